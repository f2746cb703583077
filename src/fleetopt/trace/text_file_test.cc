#include "fleetopt/trace/text_file.h"

#include <gtest/gtest.h>

#include "fleetopt/trace/canonical.h"
#include "fleetopt/trace/read_report.h"
#include "fleetopt/trace/test_util.h"

namespace fleetopt {
namespace {

TEST(TextFile, LinesStripCarriageReturnsAndKeepLineNumbers) {
  text::Lines lines("a\r\nb\n\nlast");
  std::string_view line;
  std::vector<std::string> got;
  while (lines.next(line)) got.emplace_back(line);
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b", "", "last"}));
  EXPECT_EQ(lines.line_no(), 4u);
}

TEST(TextFile, SplitKeepsEmptyFields) {
  std::vector<std::string_view> f;
  text::split("a,,b,", ',', f);
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[1], "");
  EXPECT_EQ(f[3], "");
}

TEST(TextFile, SplitCsvHonoursQuotes) {
  std::vector<std::string_view> f;
  std::string storage;
  ASSERT_TRUE(text::split_csv(R"(x,"a,b","say ""hi""",)", f, storage));
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0], "x");
  EXPECT_EQ(f[1], "a,b");
  EXPECT_EQ(f[2], "say \"hi\"");
  EXPECT_EQ(f[3], "");
  EXPECT_FALSE(text::split_csv(R"(x,"open)", f, storage));
  EXPECT_EQ(text::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(text::csv_field("plain"), "plain");
}

TEST(TextFile, ListFilesSortsAndSkipsHidden) {
  testing::TempDir dir;
  dir.write("b", "1");
  dir.write("a", "1");
  dir.write(".hidden", "1");
  dir.write("sub/c", "1");
  std::size_t hidden = 0;
  EXPECT_EQ(text::list_files(dir.path(), &hidden), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(hidden, 1u);
  testing::expect_input_error([&] { text::list_files(dir.file("missing")); }, "cannot list");
  testing::expect_input_error([&] { text::read_file(dir.file("missing")); }, "cannot open");
}

// Issue 9, item 5: spreadsheet exports start CSV files with a UTF-8 byte-order
// mark, which used to reach the header as part of the first column's name.
TEST(TextFile, ReadFileDropsALeadingUtf8ByteOrderMark) {
  testing::TempDir dir;
  const std::string bom = "\xEF\xBB\xBF";
  EXPECT_EQ(text::read_file(dir.write("with_bom.csv", bom + "id,time\nvm1,0\n")), "id,time\nvm1,0\n");
  EXPECT_EQ(text::read_file(dir.write("only_bom.csv", bom)), "");
  // Only a leading mark is dropped; one inside the text is data.
  EXPECT_EQ(text::read_file(dir.write("inner.csv", "a\n" + bom + "b\n")), "a\n" + bom + "b\n");
  EXPECT_EQ(text::read_file(dir.write("plain.csv", "id\n")), "id\n");
}

TEST(TextFile, CanonicalInstancesWithAByteOrderMarkRead) {
  testing::TempDir dir;
  const std::string bom = "\xEF\xBB\xBF";
  dir.write("instances.csv", bom + "id,arrival,departure,cpu,mem\nvm1,0,600,2,4\nvm2,300,900,1,2\n");
  dir.write("usage.csv", bom + "id,time,cpu,mem\nvm1,0,1,2\n");
  Workload w = read_canonical(dir.path(), nullptr);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w.ids.front(), "vm1");
}

TEST(ReadReport, CountsWarningsAndCapsTheList) {
  ReadReport r;
  r.count("gap");
  r.count("gap", 2);
  EXPECT_EQ(r.get("gap"), 3);
  EXPECT_EQ(r.get("none"), 0);
  for (int i = 0; i < 60; ++i) r.warn("f.csv", static_cast<std::size_t>(i + 1), "bad");
  EXPECT_EQ(r.warnings().size(), ReadReport::kMaxWarnings);
  EXPECT_EQ(r.warnings_total(), 60);
  EXPECT_EQ(r.warnings().front(), "f.csv:1: bad");
  EXPECT_NE(r.text().find("10 more warnings"), std::string::npos);
}

}  // namespace
}  // namespace fleetopt
