// grading.cpp — the main() of every graded test program and its score listener.
//
// Flags (besides GoogleTest's own):
//   --nnlab-results=FILE   write one line per test for nnlab-grade:
//                          name <TAB> score <TAB> max <TAB> PASS|FAIL|SKIP <TAB> message
//   --nnlab-quiet          print nothing (nnlab-grade reads the results file instead)
//   --nnlab-describe       print the lab and each test's points, run nothing:
//                          lab <TAB> id <TAB> title <TAB> total, then test <TAB> name <TAB> points
#include "grading.hpp"

#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/todo.hpp"

namespace nnlab::grading {

namespace {

struct Lab {
    std::string id = "lab??", title;
    int total = 0;
};

std::map<std::string, int>& points_table() {
    static std::map<std::string, int> table;
    return table;
}

Lab& this_lab() {
    static Lab lab;
    return lab;
}

// The first line of a GoogleTest failure message, with gtest's exception wrapper removed.
std::string first_useful_line(const std::string& message) {
    std::string text = message;
    const std::string prefix = "C++ exception with description \"";
    if (auto at = text.find(prefix); at != std::string::npos) {
        text = text.substr(at + prefix.size());
        if (auto end = text.rfind("\" thrown in"); end != std::string::npos) text = text.substr(0, end);
    }
    // The first line says what failed ("x differs at (0, 0): got 0.09, expected 0.045");
    // the last is the test's own hint ("did you divide by the batch size?"): keep both.
    std::istringstream lines(text);
    std::vector<std::string> kept;
    for (std::string line; std::getline(lines, line);) {
        const auto start = line.find_first_not_of(' ');
        if (start != std::string::npos) kept.push_back(line.substr(start));
    }
    if (kept.empty()) return "";
    if (kept.size() == 1) return kept[0];
    return kept.front() + " — " + kept.back();
}

std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    return s;
}

class ScoreListener : public testing::EmptyTestEventListener {
public:
    ScoreListener(bool quiet, const std::string& results_path) : quiet_(quiet) {
        if (!results_path.empty()) results_.open(results_path);
    }

    void OnTestStart(const testing::TestInfo&) override {
        clear_last_todo();
        first_failure_.clear();
        where_.clear();
    }

    void OnTestPartResult(const testing::TestPartResult& part) override {
        if (part.failed() && first_failure_.empty()) {
            first_failure_ = first_useful_line(part.message());
            if (part.file_name() != nullptr && first_failure_.find("still a TODO") == std::string::npos)
                where_ = std::string(part.file_name()) + ":" + std::to_string(part.line_number());
        }
    }

    void OnTestEnd(const testing::TestInfo& info) override {
        const std::string name = std::string(info.test_suite_name()) + "." + info.name();
        const auto found = points_table().find(name);
        const int max = found == points_table().end() ? 0 : found->second;
        const bool skipped = info.result()->Skipped();
        const bool passed = info.result()->Passed() && !skipped;
        std::string status = skipped ? "SKIP" : passed ? "PASS" : "FAIL";
        std::string message;
        if (skipped) {
            message = skip_message(*info.result());
        } else if (!passed) {
            message = explain_failure();
        }
        const int score = passed ? max : 0;
        earned_ += score;
        possible_ += max;
        if (!quiet_) {
            std::cout << status << "  " << this_lab().id << "  " << info.test_suite_name() << "." << info.name() << "  "
                      << score << "/" << max << " pts";
            if (!message.empty()) std::cout << "\n      " << message;
            std::cout << std::endl;
        }
        // Written and flushed test by test: if a later test crashes, these rows still count.
        if (results_.is_open())
            results_ << name << '\t' << score << '\t' << max << '\t' << status << '\t' << one_line(message) << std::endl;
    }

    void OnTestProgramEnd(const testing::UnitTest& unit) override {
        if (!quiet_ && unit.test_to_run_count() > 1)
            std::cout << this_lab().id << " score: " << earned_ << "/" << possible_ << " pts" << std::endl;
    }

private:
    // A stub's NotImplemented explains a failure better than whatever assertion it caused.
    std::string explain_failure() const {
        if (const NotImplemented* todo = last_todo()) {
            if (todo->lab() != this_lab().id && todo->lab() < this_lab().id)
                return "complete " + todo->lab() + " first: " + todo->what();
            return todo->what();
        }
        return first_failure_ + (where_.empty() ? "" : "  [" + where_ + "]");
    }

    static std::string skip_message(const testing::TestResult& result) {
        for (int i = 0; i < result.total_part_count(); ++i)
            if (result.GetTestPartResult(i).skipped()) return first_useful_line(result.GetTestPartResult(i).message());
        return "skipped";
    }

    bool quiet_;
    std::ofstream results_;
    std::string first_failure_, where_;
    int earned_ = 0, possible_ = 0;
};

// Fails the run when a lab's points do not add up to its declared total.
class PointsTotalCheck : public testing::EmptyTestEventListener {
    void OnTestProgramStart(const testing::UnitTest&) override {
        int sum = 0;
        for (const auto& [name, points] : points_table()) sum += points;
        if (sum != this_lab().total) {
            std::cerr << "nnlab grading: the tests of " << this_lab().id << " add up to " << sum
                      << " points, but NNLAB_LAB declares " << this_lab().total << std::endl;
            std::exit(3);
        }
    }
};

}  // namespace

int register_points(const char* test_name, int points) {
    points_table()[test_name] = points;
    return points;
}

int register_lab(const char* lab, const char* title, int total) {
    this_lab() = Lab{lab, title, total};
    return total;
}

void describe(std::ostream& out) {
    out << "lab\t" << this_lab().id << '\t' << this_lab().title << '\t' << this_lab().total << '\n';
    for (const auto& [name, points] : points_table()) out << "test\t" << name << '\t' << points << '\n';
}

}  // namespace nnlab::grading

int main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    bool quiet = false;
    std::string results;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--nnlab-describe") == 0) {
            nnlab::grading::describe(std::cout);
            return 0;
        }
        if (std::strcmp(argv[i], "--nnlab-quiet") == 0) quiet = true;
        else if (std::strncmp(argv[i], "--nnlab-results=", 16) == 0) results = argv[i] + 16;
    }
    testing::TestEventListeners& listeners = testing::UnitTest::GetInstance()->listeners();
    // Replace GoogleTest's chatty printer by one line per test with its points.
    const bool listing = testing::GTEST_FLAG(list_tests);
    if (!listing) {
        delete listeners.Release(listeners.default_result_printer());
        listeners.Append(new nnlab::grading::PointsTotalCheck);
        listeners.Append(new nnlab::grading::ScoreListener(quiet, results));
    }
    return RUN_ALL_TESTS();
}
