// The subcommands but watch (watch.cpp): status, test, hint, reset, handin.
#include "commands.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "spawn.hpp"
#include "state.hpp"

namespace nnlab::cli {

namespace fs = std::filesystem;

namespace {

void remember(const Project& project, const std::map<std::string, LabResult>& results) {
    auto progress = load_progress(project);
    for (const auto& [id, r] : results) {
        if (!r.built) {
            progress[id] = {0, std::max<int>(1, progress[id].tests), 0, progress[id].max, "", ""};  // stuck on the build: no test
            continue;
        }
        progress[id] = progress_of(r);
    }
    save_progress(project, progress);
}

std::string plural(int n, const std::string& one, const std::string& many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string hints_used(const HintLevels& levels, const std::string& lab) {
    auto it = levels.find(lab);
    if (it == levels.end() || it->second.empty()) return "";
    std::string out;
    for (const auto& [todo, level] : it->second) out += (out.empty() ? "" : ", ") + todo + " level " + std::to_string(level);
    return "hints: " + out;
}

std::string timestamp() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
    return buf;
}

std::string sha256_hex(const std::string& bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    std::ostringstream hex;
    for (unsigned int i = 0; i < length; ++i) hex << std::hex << std::setw(2) << std::setfill('0') << int(digest[i]);
    return hex.str();
}

// Where a lab file's release version comes from: the copy the handout keeps in
// .nnlab/pristine/ (in the instructors' repository, which keeps none, scripts/make-labs writes one).
fs::path pristine_copy(const Project& project, const Lab& lab, const std::string& file, const fs::path& scratch) {
    const fs::path kept = project.state_dir() / "pristine" / "labs" / lab.folder / file;
    if (fs::exists(kept)) return kept;
    const fs::path make_labs = project.root / "scripts" / "make-labs";
    if (fs::exists(make_labs) && fs::exists(project.root / "solutions" / lab.folder)) {
        SpawnOptions o;
        o.output = scratch.string() + ".log";
        if (run({make_labs.string(), "--out", scratch.string()}, o) == 0 && fs::exists(scratch / lab.folder / file))
            return scratch / lab.folder / file;
    }
    throw std::runtime_error("no release copy of labs/" + lab.folder + "/" + file + " (expected " + kept.string() +
                             "; it comes with the handout)");
}

// A scratch folder (and the .log a tool wrote beside it) removed when a command returns or throws.
struct RemovedOnExit {
    fs::path p;
    ~RemovedOnExit() {
        std::error_code ec;
        fs::remove_all(p, ec);
        fs::remove(p.string() + ".log", ec);
    }
};

}  // namespace

Progress progress_of(const LabResult& r) {
    Progress p{static_cast<int>(r.tests.size()) - r.failing(), static_cast<int>(r.tests.size()), r.score(), r.max(), "", ""};
    if (const TestResult* t = r.stuck_on()) {
        p.stuck = t->test;
        p.stuck_todo = todo_hit(*t);
    }
    return p;
}

const Lab* current_lab(const Project& project) {
    // The tests decide, as in status: a lab whose last run passed is done even when an
    // nnlab::todo call is left in its file where no test reaches it (code written above it,
    // and a return). Counting that call made "lab03 is done. Next: lab03".
    const auto progress = load_progress(project);
    for (const auto& lab : project.labs) {
        auto p = progress.find(lab.id);
        if (p == progress.end() || !p->second.done()) return &lab;
    }
    return nullptr;
}

int status_command(const Project& project, const Tools& tools) {
    std::map<std::string, LabResult> results;
    std::vector<std::string> built;
    ScratchFile log(project, "build.log");
    const bool all_built = build_all(project, tools, log.path);  // one cmake run; lab by lab only when one fails
    for (const auto& lab : project.labs) {
        if (all_built || build_lab(project, tools, lab, log.path)) {
            built.push_back(lab.id);
        } else {
            results[lab.id] = {lab.id, false, compiler_errors(log.path, 1), {}};
        }
    }
    if (!built.empty()) {
        ScratchFile grade_log(project, "grade.log");
        for (auto& [id, r] : grade(project, tools, built, false, grade_log.path)) results[id] = std::move(r);
    }
    remember(project, results);

    const auto levels = load_hint_levels(project);
    std::size_t title_width = 0;
    for (const auto& lab : project.labs) title_width = std::max(title_width, lab.title.size());
    const Lab* next = nullptr;
    for (const auto& lab : project.labs) {
        const LabResult& r = results[lab.id];
        const auto todos = todos_left(project, lab);
        std::string state;
        if (!r.built) state = "does not compile: " + r.build_log.substr(0, r.build_log.find('\n'));
        else if (r.done()) state = "done (" + std::to_string(r.score()) + "/" + std::to_string(r.max()) + ")";
        else if (!r.blocked_by().empty()) state = "blocked by " + r.blocked_by();
        else if (r.only_skipped()) state = "the tests that ran pass, " + std::to_string(r.failing()) + " skipped (" +
                                           std::to_string(r.score()) + "/" + std::to_string(r.max()) + ")";
        else if (r.tests.empty()) state = "no tests ran";
        else state = std::to_string(r.failing()) + " of " + std::to_string(r.tests.size()) + " failing (" +
                     std::to_string(r.score()) + "/" + std::to_string(r.max()) + ")";
        if (!todos.empty()) state += ", " + plural(static_cast<int>(todos.size()), "TODO", "TODOs") + " left";
        if (const auto h = hints_used(levels, lab.id); !h.empty()) state += "; " + h;
        std::cout << lab.id << "  " << std::left << std::setw(static_cast<int>(title_width)) << lab.title << "  " << state
                  << "\n";
        if (!next && !r.done()) next = &lab;
    }
    if (const TestResult* skip = next ? results[next->id].only_skipped() : nullptr)
        std::cout << "\nNext: " << next->id << "'s tests pass but some were skipped: " << skip->message
                  << "; then nnlab test " << next->id << "\n";
    else if (next)
        std::cout << "\nNext: " << next->id << " (" << next->title << "): read labs/" << next->folder
                  << "/README.md, then nnlab test " << next->id << " (or nnlab watch)\n";
    else
        std::cout << "\nEvery lab is done. Train your network: cmake --build --preset student --target train;"
                     " then nnlab handin\n";
    return 0;
}

int test_command(const Project& project, const Tools& tools, std::optional<std::string> id) {
    const Lab* lab = id ? &project.lab(*id) : current_lab(project);
    if (!lab) {
        std::cout << "Every lab is done (nnlab status shows them all). Test one with: nnlab test labNN\n";
        return 0;
    }
    std::cout << "Building " << lab->id << "…" << std::endl;
    if (!build_lab(project, tools, *lab)) {
        std::cout << "\n" << lab->id << " does not compile: fix the first error above (its file:line is in labs/"
                  << lab->folder << "/), then run nnlab test " << lab->id << " again.\n";
        remember(project, {{lab->id, {lab->id, false, "", {}}}});
        return 1;
    }
    auto results = grade(project, tools, {lab->id}, true);
    remember(project, results);
    const LabResult& r = results[lab->id];
    std::cout << "\n" << lab->id << ": " << (r.tests.size() - r.failing()) << " of " << r.tests.size() << " tests pass ("
              << r.score() << "/" << r.max() << " points)\n";
    if (r.done()) {
        const Lab* next = current_lab(project);
        if (next) std::cout << lab->id << " is done. Next: " << next->id << " (" << next->title << "): nnlab test " << next->id << "\n";
        else std::cout << lab->id << " is done, and so is every lab: nnlab handin\n";
        return 0;
    }
    if (const TestResult* skip = r.only_skipped())
        std::cout << "The tests that ran pass; " << plural(r.failing(), "was", "were") << " skipped: " << skip->message
                  << "; then nnlab test "
                  << lab->id << " again\n";
    else if (!r.blocked_by().empty())
        std::cout << lab->id << " uses " << r.blocked_by() << ", which is not finished: nnlab test " << r.blocked_by() << "\n";
    else if (const TestResult* t = r.first_failing())
        std::cout << "Start with " << t->test << (t->where.empty() ? "" : " (" + t->where + ")")
                  << ". Stuck? nnlab hint " << lab->id << "\n";
    return 1;
}

HintChoice default_hint_todo(const Project& project, const Lab& lab) {
    const auto progress = load_progress(project);
    if (const auto p = progress.find(lab.id); p != progress.end() && !p->second.stuck.empty()) {
        const std::string& test = p->second.stuck;
        for (const auto& h : lab.hints)
            if (h.todo == p->second.stuck_todo)
                return {h.todo, test + " hit the TODO " + h.todo + " in your last test run"};
        for (const auto& h : lab.hints)
            if (std::find(h.tests.begin(), h.tests.end(), test) != h.tests.end())
                return {h.todo, test + " failed in your last test run"};
    }
    if (const auto todos = todos_left(project, lab); !todos.empty())
        return {todos.front().function, "the first TODO left (" + todos.front().where + ")"};
    if (!lab.hints.empty()) return {lab.hints.front().todo, ""};
    throw std::runtime_error(lab.id + " has no hints in labs.json");
}

int reveal_hint(const Project& project, const Lab& lab, const std::string& todo, std::optional<int> level) {
    const Hint* hint = nullptr;
    std::string known;
    for (const auto& h : lab.hints) {
        if (h.todo == todo) hint = &h;
        known += (known.empty() ? "" : ", ") + h.todo;
    }
    if (!hint) throw std::runtime_error(lab.id + " has no hint for '" + todo + "' (it has: " + known + ")");
    if (hint->levels.empty()) throw std::runtime_error(lab.id + ": the hint for " + todo + " has no levels");
    auto levels = load_hint_levels(project);
    int& seen = levels[lab.id][todo];
    const int max_level = static_cast<int>(hint->levels.size());
    const int show = level ? *level : std::min(seen + 1, max_level);
    if (show < 1 || show > max_level)
        throw std::runtime_error("--level " + std::to_string(show) + ": the levels are 1 to " + std::to_string(max_level));
    static const char* names[] = {"the idea", "shapes and what to call", "a step-by-step plan"};
    std::cout << lab.id << " · " << todo << "\n";
    for (int l = 1; l <= show; ++l)
        std::cout << "\nLevel " << l << " — " << (l <= 3 ? names[l - 1] : "more") << ":\n" << hint->levels[l - 1] << "\n";
    if (show < max_level)
        std::cout << "\n(More: nnlab hint " << lab.id << " --todo '" << todo << "' shows level " << show + 1 << ".)\n";
    seen = std::max(seen, show);
    save_hint_levels(project, levels);
    return show;
}

int hint_command(const Project& project, std::optional<std::string> id, std::optional<int> level,
                 std::optional<std::string> todo) {
    const Lab* lab = id ? &project.lab(*id) : current_lab(project);
    if (!lab) {
        std::cout << "Every lab is done: no hint needed. (nnlab hint labNN shows one lab's hints.)\n";
        return 0;
    }
    if (todo) {
        reveal_hint(project, *lab, *todo, level);
        return 0;
    }
    const HintChoice choice = default_hint_todo(project, *lab);
    if (!choice.why.empty()) std::cout << "(" << choice.why << ")\n";
    reveal_hint(project, *lab, choice.todo, level);
    return 0;
}

int reset_command(const Project& project, const std::string& id, bool yes) {
    const Lab& lab = project.lab(id);
    const fs::path scratch = project.state_dir() / ("tmp-" + std::to_string(::getpid()) + "-pristine");
    const RemovedOnExit cleanup{scratch};
    std::vector<std::pair<fs::path, fs::path>> files;  // the student's file, its release copy
    for (const auto& file : lab.student_files) files.emplace_back(project.lab_file(lab, file), pristine_copy(project, lab, file, scratch));

    fs::path backup = project.state_dir() / "backups" / (lab.id + "-" + timestamp());
    for (int n = 2; fs::exists(backup); ++n)  // two resets in one second keep both backups
        backup = project.state_dir() / "backups" / (lab.id + "-" + timestamp() + "-" + std::to_string(n));
    std::cout << "nnlab reset " << lab.id << " puts back the release version of:\n";
    for (const auto& [mine, release] : files) std::cout << "  " << fs::relative(mine, project.root).string() << "\n";
    std::cout << "Your current version will be kept in " << fs::relative(backup, project.root).string() << "/.\n";
    if (!yes) {
        if (!::isatty(0)) {
            std::cerr << "nnlab: error: reset needs a yes: run it in a terminal, or add --yes\n";
            return 1;
        }
        std::cout << "Reset " << lab.id << "? [y/N] " << std::flush;
        std::string answer;
        std::getline(std::cin, answer);
        if (answer != "y" && answer != "Y" && answer != "yes") {
            std::cout << "Nothing changed.\n";
            return 1;
        }
    }
    for (const auto& [mine, release] : files) {
        if (fs::exists(mine)) {
            fs::create_directories(backup);
            fs::copy_file(mine, backup / mine.filename(), fs::copy_options::overwrite_existing);
            if (read_text(backup / mine.filename()) != read_text(mine))
                throw std::runtime_error("the backup of " + mine.string() + " does not match: nothing was reset");
        }
    }
    for (const auto& [mine, release] : files) write_text_atomically(mine, read_text(release));
    auto progress = load_progress(project);  // its last test run was of the files just replaced
    if (progress.erase(lab.id) > 0) save_progress(project, progress);
    std::cout << "Reset " << lab.id << ". Your previous files: " << fs::relative(backup, project.root).string() << "/\n";
    return 0;
}

int handin_command(const Project& project, fs::path out) {
    if (out.empty()) out = project.root / "handin.zip";
    out = fs::absolute(out);
    if (out.extension() != ".zip") throw std::runtime_error(out.string() + ": the hand-in is a .zip");
    const fs::path stage = project.state_dir() / ("tmp-" + std::to_string(::getpid()) + "-handin");
    const RemovedOnExit cleanup{stage};
    fs::remove_all(stage);
    std::string list;
    std::vector<std::string> names;
    for (const auto& lab : project.labs)
        for (const auto& file : lab.student_files) {
            const fs::path mine = project.lab_file(lab, file);
            if (!fs::is_regular_file(mine)) throw std::runtime_error("missing " + mine.string() + ": nothing was written");
            const std::string name = "labs/" + lab.folder + "/" + file;
            const std::string bytes = read_text(mine);
            fs::create_directories((stage / name).parent_path());
            write_text_atomically(stage / name, bytes);
            list += sha256_hex(bytes) + "  " + name + "\n";  // sha256sum's format: sha256sum -c HANDIN.txt checks it
            names.push_back(name);
        }
    write_text_atomically(stage / "HANDIN.txt", list);
    const fs::path tmp = out.string() + ".tmp-" + std::to_string(::getpid());
    std::vector<std::string> argv = {"zip", "-X", "-q", tmp.string(), "HANDIN.txt"};
    argv.insert(argv.end(), names.begin(), names.end());
    SpawnOptions o;
    o.cwd = stage;
    o.output = stage / "zip.log";
    const int status = run(argv, o);
    if (status != 0 || !fs::exists(tmp)) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw std::runtime_error("zip failed (exit status " + std::to_string(status) + "): " +
                                 (fs::exists(o.output) ? read_text(o.output) : std::string("no output")));
    }
    fs::rename(tmp, out);
    std::cout << "Wrote " << out.string() << " with HANDIN.txt and " << names.size() << " files:\n" << list;
    std::cout << "Hand in this file. (Check it: unzip -l " << out.filename().string() << ")\n";
    return 0;
}

}  // namespace nnlab::cli
