#!/usr/bin/env bash
# Checks fleetopt's MC regression (src/fleetopt/consolidate/dc_correlation.cc)
# against commons-math 3's OLSMultipleLinearRegression, which CloudSim 4.0's
# PowerVmSelectionPolicyMaximumCorrelation calls: R^2 of every row of 3,000
# random hosts (1-9 VMs, up to 30 samples, with all-zero, constant and
# duplicated histories), compared bit for bit, throws included.
# Needs javac/java 17 and Debian's libcommons-math3-java; run from the
# repository root. Prints "N of N R^2 values identical" or the differences.
set -euo pipefail
jar=${COMMONS_MATH_JAR:-/usr/share/java/commons-math3.jar}
root=$(pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
python3 - <<'PY'
import random
random.seed(7)
with open('cases.txt', 'w') as f:
    f.write("3000\n")
    for t in range(3000):
        n = random.randint(1, 9); m = random.randint(max(1, n - 2), 30); kind = random.random(); rows = []
        for i in range(n):
            r = random.random()
            if kind < 0.2 and r < 0.3: row = [0.0] * m
            elif kind < 0.4 and r < 0.3: row = [0.25] * m
            elif kind < 0.5 and i > 0 and r < 0.5: row = list(rows[0])
            else: row = [random.randint(0, 100) / 100.0 for _ in range(m)]
            rows.append(row)
        f.write(f"{n} {m}\n")
        for r in rows: f.write(" ".join(repr(x) for x in r) + "\n")
PY
cat > Ref.java <<'JAVA'
import java.io.*; import java.util.*;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;
public class Ref {
  public static void main(String[] a) throws Exception {
    Scanner s = new Scanner(new BufferedInputStream(System.in));
    int cases = s.nextInt(); StringBuilder out = new StringBuilder();
    for (int t = 0; t < cases; t++) {
      int n = s.nextInt(), m = s.nextInt(); double[][] d = new double[n][m];
      for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) d[i][j] = Double.parseDouble(s.next());
      for (int i = 0; i < n; i++) {
        try {  // as PowerVmSelectionPolicyMaximumCorrelation.getCorrelationCoefficients
          double[][] x = new double[n - 1][m]; int k = 0;
          for (int j = 0; j < n; j++) if (j != i) x[k++] = d[j];
          OLSMultipleLinearRegression r = new OLSMultipleLinearRegression();
          r.newSampleData(d[i], new Array2DRowRealMatrix(x).transpose().getData());
          out.append(Long.toHexString(Double.doubleToRawLongBits(r.calculateRSquared())));
        } catch (IllegalArgumentException e) { out.append("throws"); }
        out.append(i + 1 < n ? " " : "\n");
      }
    }
    System.out.print(out);
  }
}
JAVA
cat > mine.cc <<'CC'
#include <cstdio>
#include <cstring>
#include <vector>
#include "fleetopt/consolidate/dc_correlation.h"
int main() {
  int cases = 0;
  if (std::scanf("%d", &cases) != 1) return 1;
  for (int t = 0; t < cases; ++t) {
    int n = 0, m = 0;
    if (std::scanf("%d %d", &n, &m) != 2) return 1;
    std::vector<double> d(static_cast<std::size_t>(n * m));
    for (auto& x : d) if (std::scanf("%lf", &x) != 1) return 1;
    for (int i = 0; i < n; ++i) {
      const auto r = fleetopt::consolidate::r_squared(d.data(), n, m, i);
      unsigned long long bits = 0;
      if (r) std::memcpy(&bits, &*r, sizeof bits);
      if (r) std::printf("%llx", bits); else std::printf("throws");
      std::printf(i + 1 < n ? " " : "\n");
    }
  }
}
CC
javac -cp "$jar" Ref.java
java -cp "$jar:." Ref < cases.txt > ref.txt
g++ -O3 -std=c++20 -I"$root/src" mine.cc "$root/src/fleetopt/consolidate/dc_correlation.cc" -o mine
./mine < cases.txt > mine.txt
python3 - <<'PY'
ref = open('ref.txt').read().split(); mine = open('mine.txt').read().split()
diff = [(i, a, b) for i, (a, b) in enumerate(zip(ref, mine)) if a != b]
print(f"{len(ref) - len(diff)} of {len(ref)} R^2 values identical" + ("" if len(ref) == len(mine) else " (lengths differ)"))
for d in diff[:10]: print("differs:", d)
raise SystemExit(1 if diff or len(ref) != len(mine) else 0)
PY
