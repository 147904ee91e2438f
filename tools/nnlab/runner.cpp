#include "runner.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "spawn.hpp"

namespace nnlab::cli {

namespace fs = std::filesystem;

namespace {

fs::path own_folder() {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path(".") : self.parent_path();
}

}  // namespace

Tools find_tools() {
    Tools t{NNLAB_CMAKE_COMMAND, (own_folder() / "nnlab-grade").string()};
    if (const char* cmake = std::getenv("NNLAB_CMAKE"); cmake && *cmake) t.cmake = cmake;
    if (const char* grade = std::getenv("NNLAB_GRADE"); grade && *grade) t.grade = grade;
    return t;
}

int LabResult::failing() const {
    int n = 0;
    for (const auto& t : tests) n += !t.passed();
    return n;
}
int LabResult::score() const {
    int s = 0;
    for (const auto& t : tests) s += t.points;
    return s;
}
int LabResult::max() const {
    int s = 0;
    for (const auto& t : tests) s += t.max_points;
    return s;
}
std::string LabResult::blocked_by() const {
    for (const auto& t : tests)
        if (t.status == "blocked" && !t.blocked_by.empty()) return t.blocked_by;
    return "";
}
const TestResult* LabResult::first_failing() const {
    for (const auto& t : tests)
        if (!t.passed()) return &t;
    return nullptr;
}
const TestResult* LabResult::stuck_on() const {
    for (const auto& t : tests)
        if (t.status == "failed" || t.status == "todo") return &t;
    return nullptr;
}

const TestResult* LabResult::only_skipped() const {
    const TestResult* first = nullptr;
    for (const auto& t : tests) {
        if (t.status == "skipped" && !first) first = &t;
        else if (t.status != "skipped" && !t.passed()) return nullptr;
    }
    return built ? first : nullptr;
}

std::string todo_hit(const TestResult& t) {
    if (t.status != "todo") return "";
    const auto dot = t.message.find(" · "), end = t.message.find(" is still a TODO");
    if (dot == std::string::npos || end == std::string::npos || end < dot) return "";
    return t.message.substr(dot + std::string(" · ").size(), end - dot - std::string(" · ").size());
}

bool build_lab(const Project& project, const Tools& tools, const Lab& lab, const fs::path& log) {
    SpawnOptions o;
    o.output = log;
    return run({tools.cmake, "--build", project.build_dir.string(), "--target", lab.id + "_test", "nnlab-grade"}, o) == 0;
}

bool build_all(const Project& project, const Tools& tools, const fs::path& log) {
    std::vector<std::string> argv = {tools.cmake, "--build", project.build_dir.string(), "--target"};
    for (const auto& lab : project.labs) argv.push_back(lab.id + "_test");
    argv.push_back("nnlab-grade");
    SpawnOptions o;
    o.output = log;
    return run(argv, o) == 0;
}

std::vector<TestResult> read_records(const fs::path& file) {
    const auto j = nlohmann::json::parse(read_text(file));
    std::vector<TestResult> out;
    for (const auto& r : j) {
        TestResult t;
        t.lab = r.at("lab").get<std::string>();
        t.test = r.at("test").get<std::string>();
        t.status = r.at("status").get<std::string>();
        t.points = r.value("points", 0);
        t.max_points = r.value("max_points", 0);
        t.blocked_by = r.value("blocked_by", "");
        t.message = r.value("message", "");
        t.where = r.value("where", "");
        out.push_back(std::move(t));
    }
    return out;
}

std::map<std::string, LabResult> grade(const Project& project, const Tools& tools, const std::vector<std::string>& labs,
                                       bool verbose, const fs::path& log) {
    ScratchFile records(project, "records.json");
    std::vector<std::string> argv = {tools.grade, "--manifest", (project.root / "labs.json").string(), "--records",
                                     records.path.string()};
    for (const auto& id : labs) argv.insert(argv.end(), {"--lab", id});
    if (verbose) argv.push_back("--verbose");
    SpawnOptions o;
    o.output = verbose ? fs::path() : log;
    const int status = run(argv, o);
    if (!fs::exists(records.path))
        throw std::runtime_error("nnlab-grade wrote no records (exit status " + std::to_string(status) +
                                 "): is the build complete? (" + tools.grade + ")");
    std::map<std::string, LabResult> out;
    for (const auto& id : labs) out[id].lab = id;
    for (auto& t : read_records(records.path)) out[t.lab].tests.push_back(std::move(t));
    return out;
}

std::string compiler_errors(const fs::path& log, int lines) {
    std::istringstream in(read_text(log));
    std::string kept;
    int count = 0;
    for (std::string line; std::getline(in, line) && count < lines;)
        if (line.find("error") != std::string::npos && line.find("make") != 0 && line.find("gmake") != 0) {
            kept += line + "\n";
            ++count;
        }
    return kept;
}

ScratchFile::ScratchFile(const Project& project, const std::string& name)
    : path(project.state_dir() / ("tmp-" + std::to_string(::getpid()) + "-" + name)) {
    fs::create_directories(path.parent_path());
}

ScratchFile::~ScratchFile() {
    std::error_code ec;
    fs::remove(path, ec);
}

}  // namespace nnlab::cli
