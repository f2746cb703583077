// One section of the report per decision problem (sections.cc), built from
// the result files of that problem's commands.
#pragma once

#include <vector>

#include "fleetopt/report/html.h"
#include "fleetopt/report/report.h"

namespace fleetopt::report::detail {

// The first line of `fleetopt reclaim --margins-csv` output, which is how
// the report tells that CSV from JSON results.
inline constexpr const char* kMarginsHeader = "strategy,host,resource,step,margin,error,violated";

void placement(const std::vector<const ResultFile*>& sizes, const std::vector<const ResultFile*>& sims, Section& sec);
void bandit(const std::vector<const ResultFile*>& files, Section& sec);
void rearrangement(const std::vector<const ResultFile*>& files, Section& sec);
void consolidation(const std::vector<const ResultFile*>& files, Section& sec);
void autoscaling(const std::vector<const ResultFile*>& files, Section& sec);
void reclamation(const std::vector<const ResultFile*>& runs, const std::vector<const ResultFile*>& margins,
                 Section& sec);

}  // namespace fleetopt::report::detail
