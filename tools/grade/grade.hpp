// grade.hpp — grades labs: every test of each lab in its own process (run_test.hpp), the
// points from the manifest's table, a lab that was not built scored 0 with the reason.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "manifest.hpp"
#include "run_test.hpp"

namespace nnlab::grade {

struct TestResult {
    std::string lab, test;
    int points = 0, max_points = 0;
    bool hidden = false;
    // passed failed blocked skipped todo crashed timeout (interrupted while stopping)
    std::string status, blocked_by, message, where;
};

struct LabResult {
    const LabSpec* spec = nullptr;
    std::vector<TestResult> tests;
    std::string problem;  // "does not compile" + the first errors; "not handed in: …"; "not built"
    std::string review;   // constructs a lab never needs, "file:line: construct" a line each: for a human
    int score() const;
    int count(const std::string& status) const;
};

struct GradeRequest {
    const Manifest* manifest = nullptr;
    std::set<std::string> labs;                      // empty: every lab
    std::filesystem::path bin_dir;                   // where labNN_test are
    std::map<std::string, std::string> lab_problems;  // lab id → why it was not built (scored 0)
    std::map<std::string, std::string> lab_reviews;   // lab id → what to review (points unchanged)
    Limits limits;
    std::vector<std::string> env;                    // extra environment for the tests
    std::function<void(const TestResult&)> on_test;  // called as each test finishes
};

std::vector<LabResult> grade_labs(const GradeRequest& request);

int total_score(const std::vector<LabResult>& labs);
int total_max(const std::vector<LabResult>& labs);

}  // namespace nnlab::grade
