// grading.cpp — the main() of every graded test program and its score listener.
//
// Flags (besides GoogleTest's own):
//   --nnlab-record-fd=N    write one JSON record per test to file descriptor N (record.hpp),
//                          carrying the nonce found in NNLAB_RECORD_NONCE; nnlab-grade
//                          passes both and runs one test per process
//   --nnlab-quiet          print nothing (nnlab-grade reads the records instead)
//   --nnlab-describe       print the lab and each test's points, run nothing:
//                          lab <TAB> id <TAB> title <TAB> total, then
//                          test <TAB> name <TAB> points <TAB> visible|hidden
#include "grading.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "core/todo.hpp"
#include "record.hpp"

namespace nnlab::grading {

namespace {

struct Lab {
    std::string id = "lab??", title;
    int total = 0;
};

struct Points {
    int points = 0;
    bool hidden = false;
};

std::map<std::string, Points>& points_table() {
    static std::map<std::string, Points> table;
    return table;
}

Lab& this_lab() {
    static Lab lab;
    return lab;
}

// A failure's text as GoogleTest wrote it (Expected / Actual / Which is kept), without its
// exception wrapper, blank lines and trailing spaces; at most 30 lines.
std::string failure_text(const std::string& message) {
    std::string text = message;
    const std::string prefix = "C++ exception with description \"";
    if (auto at = text.find(prefix); at != std::string::npos) {
        text = text.substr(at + prefix.size());
        if (auto end = text.rfind("\" thrown in"); end != std::string::npos) text = text.substr(0, end);
    }
    std::istringstream lines(text);
    std::string kept;
    int count = 0;
    for (std::string line; std::getline(lines, line);) {
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
        if (line.empty()) continue;
        if (++count > 30) {
            kept += "\n…";
            break;
        }
        kept += (kept.empty() ? "" : "\n") + line;
    }
    return kept;
}

// "tests/labs/lab02_linear_test.cpp:95" from an absolute path: relative to the project.
std::string relative_where(const char* file, int line) {
    std::string path = file;
    for (const char* room : {"/tests/", "/labs/", "/solutions/"})
        if (auto at = path.rfind(room); at != std::string::npos) {
            path = path.substr(at + 1);
            break;
        }
    return path + ":" + std::to_string(line);
}

class ScoreListener : public testing::EmptyTestEventListener {
public:
    ScoreListener(bool quiet, int record_fd, std::string nonce)
        : quiet_(quiet), record_fd_(record_fd), nonce_(std::move(nonce)) {}

    void OnTestStart(const testing::TestInfo&) override {
        clear_last_todo();
        failure_.clear();
        where_.clear();
    }

    void OnTestPartResult(const testing::TestPartResult& part) override {
        if (part.failed() && failure_.empty()) {
            failure_ = failure_text(part.message());
            // The student's file:line when the message names one (an index check in their
            // code, say), else the test's assertion.
            static const std::regex student_place(R"((labs|solutions)/\w+/[\w.]+:\d+)");
            if (std::smatch m; std::regex_search(failure_, m, student_place)) where_ = m.str();
            else if (part.file_name() != nullptr) where_ = relative_where(part.file_name(), part.line_number());
        }
    }

    void OnTestEnd(const testing::TestInfo& info) override {
        Record r = record_of(info);
        earned_ += r.points;
        possible_ += r.max;
        if (!quiet_) print(r);
        // Written test by test: if a later test crashes, these records still count.
        if (record_fd_ >= 0) {
            const std::string line = to_json_line(r, nonce_) + "\n";
            for (std::size_t done = 0; done < line.size();) {
                const ssize_t n = ::write(record_fd_, line.data() + done, line.size() - done);
                if (n <= 0) break;
                done += static_cast<std::size_t>(n);
            }
        }
    }

    void OnTestProgramEnd(const testing::UnitTest& unit) override {
        if (!quiet_ && unit.test_to_run_count() > 1)
            std::cout << this_lab().id << " score: " << earned_ << "/" << possible_ << " pts" << std::endl;
    }

private:
    Record record_of(const testing::TestInfo& info) const {
        Record r;
        r.lab = this_lab().id;
        r.test = std::string(info.test_suite_name()) + "." + info.name();
        const auto found = points_table().find(r.test);
        r.max = found == points_table().end() ? 0 : found->second.points;
        if (info.result()->Skipped()) {
            r.status = "skipped";
            r.message = skip_message(*info.result());
        } else if (info.result()->Passed()) {
            r.status = "passed";
            r.points = r.max;
        } else if (const NotImplemented* todo = last_todo()) {
            // A stub's NotImplemented explains a failure better than whatever assertion it caused.
            const bool earlier = todo->lab() != r.lab && todo->lab() < r.lab;
            r.status = earlier ? "blocked" : "todo";
            r.blocked_by = earlier ? todo->lab() : "";
            r.message = (earlier ? "complete " + todo->lab() + " first: " : "") + todo->what();
            r.where = todo->where();
        } else {
            r.status = "failed";
            r.message = failure_;
            r.where = where_;
        }
        return r;
    }

    void print(const Record& r) const {
        const bool passed = r.status == "passed", skipped = r.status == "skipped";
        std::cout << (passed ? "PASS" : skipped ? "SKIP" : "FAIL") << "  " << r.lab << "  " << r.test << "  " << r.points
                  << "/" << r.max << " pts";
        std::istringstream lines(r.message);
        for (std::string line; std::getline(lines, line);) std::cout << "\n      " << line;
        if (!r.where.empty() && r.status == "failed") std::cout << "\n      at " << r.where;
        std::cout << std::endl;
    }

    static std::string skip_message(const testing::TestResult& result) {
        for (int i = 0; i < result.total_part_count(); ++i)
            if (result.GetTestPartResult(i).skipped()) return failure_text(result.GetTestPartResult(i).message());
        return "skipped";
    }

    bool quiet_;
    int record_fd_;
    std::string nonce_;
    std::string failure_, where_;
    int earned_ = 0, possible_ = 0;
};

// Fails the run when a lab's points do not add up to its declared total.
class PointsTotalCheck : public testing::EmptyTestEventListener {
    void OnTestProgramStart(const testing::UnitTest&) override {
        int sum = 0;
        for (const auto& [name, entry] : points_table()) sum += entry.points;
        if (sum != this_lab().total) {
            std::cerr << "nnlab grading: the tests of " << this_lab().id << " add up to " << sum
                      << " points, but NNLAB_LAB declares " << this_lab().total << std::endl;
            std::exit(3);
        }
    }
};

// The nonce, read once and wiped from the environment block (and so from /proc/self/environ).
std::string take_nonce() {
    char* value = std::getenv("NNLAB_RECORD_NONCE");
    if (value == nullptr) return "";
    std::string nonce = value;
    std::memset(value, 'x', nonce.size());
    ::unsetenv("NNLAB_RECORD_NONCE");
    return nonce;
}

}  // namespace

int register_points(const char* test_name, int points, const char* visibility) {
    const std::string v = visibility;
    if (v != "" && v != "hidden") {
        std::cerr << "nnlab grading: " << test_name << ": the fourth GRADED_TEST argument is '" << v
                  << "'; it can only be 'hidden'" << std::endl;
        std::exit(3);
    }
    points_table()[test_name] = {points, v == "hidden"};
    return points;
}

int register_lab(const char* lab, const char* title, int total) {
    this_lab() = Lab{lab, title, total};
    return total;
}

void describe(std::ostream& out) {
    out << "lab\t" << this_lab().id << '\t' << this_lab().title << '\t' << this_lab().total << '\n';
    for (const auto& [name, entry] : points_table())
        out << "test\t" << name << '\t' << entry.points << '\t' << (entry.hidden ? "hidden" : "visible") << '\n';
}

}  // namespace nnlab::grading

int main(int argc, char** argv) {
    const std::string nonce = nnlab::grading::take_nonce();
    testing::InitGoogleTest(&argc, argv);
    bool quiet = false;
    int record_fd = -1;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--nnlab-describe") == 0) {
            nnlab::grading::describe(std::cout);
            return 0;
        }
        if (std::strcmp(argv[i], "--nnlab-quiet") == 0) quiet = true;
        else if (std::strncmp(argv[i], "--nnlab-record-fd=", 18) == 0) record_fd = std::atoi(argv[i] + 18);
    }
    testing::TestEventListeners& listeners = testing::UnitTest::GetInstance()->listeners();
    // Replace GoogleTest's chatty printer by one line per test with its points.
    const bool listing = testing::GTEST_FLAG(list_tests);
    if (!listing) {
        delete listeners.Release(listeners.default_result_printer());
        listeners.Append(new nnlab::grading::PointsTotalCheck);
        listeners.Append(new nnlab::grading::ScoreListener(quiet, record_fd, nonce));
    }
    return RUN_ALL_TESTS();
}
