#include "state.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

namespace nnlab::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A state file that is missing or unreadable counts as empty: it is a convenience, and a
// broken one must not stop the student (it is rewritten on the next save).
json load(const fs::path& path) {
    if (!fs::exists(path)) return json::object();
    try {
        json j = json::parse(read_text(path));
        return j.is_object() ? j : json::object();
    } catch (const std::exception&) {
        return json::object();
    }
}

}  // namespace

HintLevels load_hint_levels(const Project& project) {
    HintLevels levels;
    const json j = load(project.state_dir() / "hints.json");  // kept alive for the loop
    for (const auto& [lab, todos] : j.items())
        if (todos.is_object())
            for (const auto& [todo, level] : todos.items())
                if (level.is_number_integer()) levels[lab][todo] = level.get<int>();
    return levels;
}

void save_hint_levels(const Project& project, const HintLevels& levels) {
    write_text_atomically(project.state_dir() / "hints.json", json(levels).dump(2) + "\n");
}

std::map<std::string, Progress> load_progress(const Project& project) {
    std::map<std::string, Progress> progress;
    const json j = load(project.state_dir() / "progress.json");
    for (const auto& [lab, p] : j.items())
        if (p.is_object())
            progress[lab] = {p.value("passed", 0), p.value("tests", 0), p.value("score", 0), p.value("max", 0),
                             p.value("stuck", ""), p.value("stuck_todo", "")};
    return progress;
}

void save_progress(const Project& project, const std::map<std::string, Progress>& progress) {
    json j = json::object();
    for (const auto& [lab, p] : progress)
        j[lab] = {{"passed", p.passed}, {"tests", p.tests}, {"score", p.score},
                  {"max", p.max},       {"stuck", p.stuck}, {"stuck_todo", p.stuck_todo}};
    write_text_atomically(project.state_dir() / "progress.json", j.dump(2) + "\n");
}

}  // namespace nnlab::cli
