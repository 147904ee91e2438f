#include "report.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace nnlab::grade {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string dump(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n"; }

std::string indented(const std::string& text, const std::string& indent) {
    std::istringstream lines(text);
    std::string out;
    for (std::string line; std::getline(lines, line);) out += indent + line + "\n";
    return out;
}

std::string test_output(const TestResult& t) {
    std::string text = t.status;
    if (!t.blocked_by.empty()) text += " (by " + t.blocked_by + ")";
    if (!t.message.empty()) text += "\n" + t.message;
    if (!t.where.empty()) text += "\nat " + t.where;
    return text;
}

}  // namespace

void print_test_line(std::ostream& out, const TestResult& t) {
    const std::string tag = t.status == "passed" ? "PASS" : t.status == "skipped" ? "SKIP" : "FAIL";
    out << tag << "  " << t.lab << "  " << t.test << "  " << t.points << "/" << t.max_points << " pts";
    if (t.status != "passed" && t.status != "failed" && t.status != "skipped") out << "  (" << t.status << ")";
    out << "\n" << indented(t.message, "      ");
    if (!t.where.empty() && t.status == "failed") out << "      at " << t.where << "\n";
    out << std::flush;
}

std::string lab_note_of_tests(const LabResult& lab);

std::string lab_note(const LabResult& lab) {
    if (!lab.review.empty()) return "REVIEW (" + lab.review.substr(0, lab.review.find('\n')) + "); " + lab_note_of_tests(lab);
    return lab_note_of_tests(lab);
}

std::string lab_note_of_tests(const LabResult& lab) {
    if (!lab.problem.empty()) return lab.problem.substr(0, lab.problem.find('\n'));
    const int n = static_cast<int>(lab.tests.size());
    const int passed = lab.count("passed"), skipped = lab.count("skipped");
    if (passed == n) return "done";
    if (passed + skipped == n) {
        for (const auto& t : lab.tests)
            if (t.status == "skipped") return std::to_string(skipped) + " skipped: " + t.message.substr(0, t.message.find('\n'));
    }
    std::string earliest;  // the earliest unfinished lab a failure is blocked by
    for (const auto& t : lab.tests)
        if (!t.blocked_by.empty() && (earliest.empty() || t.blocked_by < earliest)) earliest = t.blocked_by;
    std::string note = std::to_string(n - passed - skipped) + " of " + std::to_string(n) + " tests failing";
    for (const char* s : {"crashed", "timeout"})
        if (int k = lab.count(s); k > 0) note += ", " + std::to_string(k) + " " + (std::string(s) == "timeout" ? "timed out" : s);
    if (!earliest.empty()) note = "complete " + earliest + " first (" + note + ")";
    return note;
}

void print_table(std::ostream& out, const std::vector<LabResult>& labs, bool partial, int course_total) {
    for (const auto& lab : labs)
        out << "  " << std::left << std::setw(7) << lab.spec->id << std::setw(24) << lab.spec->title << std::right
            << std::setw(4) << lab.score() << "/" << std::left << std::setw(5) << lab.spec->points << " " << lab_note(lab)
            << "\n";
    out << "  " << std::string(46, '-') << "\n  " << std::left << std::setw(31)
        << (partial ? "total (partial: these labs)" : "total") << std::right << std::setw(4) << total_score(labs) << "/"
        << total_max(labs);
    if (partial) out << "   (the course: " << course_total << ")";
    out << "\n";
}

std::string summary_text(const std::vector<LabResult>& labs) {
    std::ostringstream out;
    print_table(out, labs, false, total_max(labs));
    for (const auto& lab : labs)
        if (lab.problem.find('\n') != std::string::npos) out << "\n" << lab.spec->id << ": " << lab.problem << "\n";
    for (const auto& lab : labs)
        if (!lab.review.empty()) out << "\n" << lab.spec->id << " REVIEW (points unchanged):\n" << lab.review << "\n";
    return out.str();
}

std::string records_json(const std::vector<LabResult>& labs) {
    json all = json::array();
    for (const auto& lab : labs)
        for (const auto& t : lab.tests)
            all.push_back({{"lab", t.lab}, {"test", t.test}, {"points", t.points}, {"max_points", t.max_points},
                           {"status", t.status}, {"blocked_by", t.blocked_by}, {"message", t.message}, {"where", t.where}});
    return dump(all);
}

std::string gradescope_json(const std::vector<LabResult>& labs, double execution_time_s, const std::string& output) {
    json tests = json::array();
    for (const auto& lab : labs) {
        const int lab_number = std::stoi(lab.spec->id.substr(3));  // lab02 → 2: numbers stay put when some labs are graded
        int test_number = 0;
        for (const auto& t : lab.tests) {
            ++test_number;
            std::string text = test_output(t);
            if (!lab.problem.empty() && test_number == 1 && lab.problem.find('\n') != std::string::npos)
                text += "\n\n" + lab.problem;  // the compiler's errors, once per lab
            if (!lab.review.empty() && test_number == 1)
                text += "\n\nREVIEW: flagged for the instructor (points unchanged):\n" + lab.review;
            tests.push_back({{"name", t.lab + " · " + t.test},
                             {"number", std::to_string(lab_number) + "." + std::to_string(test_number)},
                             {"score", t.points},
                             {"max_score", t.max_points},
                             {"status", t.status == "passed" ? "passed" : "failed"},
                             {"output", text},
                             {"visibility", t.hidden ? "after_due_date" : "visible"},
                             {"tags", json::array({t.lab})}});
        }
    }
    const json results = {{"score", total_score(labs)},
                          {"execution_time", static_cast<int>(execution_time_s + 0.5)},
                          {"output", output},
                          {"visibility", "visible"},
                          {"stdout_visibility", "hidden"},
                          {"tests", tests}};
    return dump(results);
}

std::string csv_field(const std::string& text) {
    std::string t = text;
    if (!t.empty() && std::strchr("=+-@", t[0]) != nullptr) t = "'" + t;
    if (t.find_first_of(",\"\n\r") == std::string::npos) return t;
    std::string quoted = "\"";
    for (char c : t) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

void write_file_atomically(const fs::path& path, const std::string& content) {
    std::error_code ec;
    if (fs::exists(path, ec) && !fs::is_regular_file(path, ec))  // a device or a folder: never renamed over
        throw std::runtime_error("cannot write " + path.string() + ": it exists and is not a regular file");
    const fs::path temp = path.string() + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
    std::size_t done = 0;
    int error = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n <= 0) {
            error = n < 0 ? errno : ENOSPC;
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    if (error == 0 && ::fsync(fd) != 0) error = errno;
    if (::close(fd) != 0 && error == 0) error = errno;
    if (error == 0 && ::rename(temp.c_str(), path.c_str()) != 0) error = errno;
    if (error != 0) {
        ::unlink(temp.c_str());
        throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(error));
    }
}

}  // namespace nnlab::grade
