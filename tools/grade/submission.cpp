#include "submission.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "grading/record.hpp"
#include "run_test.hpp"

namespace nnlab::grade {

namespace fs = std::filesystem;

namespace {

constexpr auto kMaxStudentFile = 1u << 20;  // 1 MiB: a lab file is a few KiB

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Python's zipfile checks every name before anything is written; run as an argv, no shell.
const char* kUnzip = R"PY(
import os, stat, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as z:
    infos = z.infolist()
    if len(infos) > 2000: sys.exit("more than 2000 entries")
    if sum(i.file_size for i in infos) > 64 << 20: sys.exit("more than 64 MiB uncompressed")
    for i in infos:
        name = i.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ":" in parts[0] or ".." in parts:
            sys.exit("unsafe path in the zip: " + repr(name))
        if stat.S_ISLNK(i.external_attr >> 16):
            sys.exit("a symbolic link in the zip: " + repr(name))
    os.makedirs(dst)
    for i in infos:
        if i.is_dir(): continue
        target = os.path.join(dst, *[p for p in i.filename.replace("\\", "/").split("/") if p])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(i) as f, open(target, "wb") as out:
            out.write(f.read(i.file_size + 1)[: i.file_size])
)PY";

// Copies the files of `from` into `to` that are missing or differ there: unchanged files keep
// their time stamps, so a reused build tree rebuilds nothing for them. The files named in
// `skip` (the student files, staged separately) are left as they are.
void sync_folder(const fs::path& from, const fs::path& to, const std::set<fs::path>& skip = {}) {
    fs::create_directories(to);
    for (const auto& entry : fs::recursive_directory_iterator(from)) {
        const fs::path target = to / fs::relative(entry.path(), from);
        if (entry.is_directory()) fs::create_directories(target);
        else if (skip.count(target)) continue;
        else if (!fs::exists(target) || read_file(target) != read_file(entry.path()))
            fs::copy_file(entry.path(), target, fs::copy_options::overwrite_existing);
    }
}

// What a candidate path under a submission's root is.
enum class Found { no, yes, too_large, link };

// A lab file is taken only when it is a regular file whose every path component below the
// root is a real folder, never a symbolic link (a `labs` link to someone else's labs), and whose
// real path stays inside the root.
Found examine(const fs::path& root, const fs::path& p, std::uintmax_t& size) {
    std::error_code ec;
    fs::path at = root;
    for (const auto& part : p.lexically_relative(root)) {
        at /= part;
        const auto st = fs::symlink_status(at, ec);
        if (ec || !fs::exists(st)) return Found::no;
        if (fs::is_symlink(st)) return Found::link;
    }
    if (!fs::is_regular_file(fs::symlink_status(p, ec))) return Found::no;
    const fs::path real = fs::canonical(p, ec);
    const fs::path real_root = fs::canonical(root, ec);
    const fs::path inside = real.lexically_relative(real_root);
    if (ec || inside.empty() || *inside.begin() == "..") return Found::link;
    size = fs::file_size(p, ec);
    return size > kMaxStudentFile ? Found::too_large : Found::yes;
}


// Splits a compile command as a POSIX shell would (quotes, backslashes); CMake writes
// compile_commands.json's "command" that way. Nothing here is run by a shell.
std::vector<std::string> split_command(const std::string& command) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (std::size_t i = 0; i < command.size(); ++i) {
        const char c = command[i];
        if (quote == '\'') {
            if (c == '\'') quote = 0;
            else word += c;
        } else if (quote == '"') {
            if (c == '"') quote = 0;
            else if (c == '\\' && i + 1 < command.size() && std::strchr("\"\\$`", command[i + 1])) word += command[++i];
            else word += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == '\\' && i + 1 < command.size()) {
            word += command[++i];
            in_word = true;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            if (in_word) words.push_back(word);
            word.clear();
            in_word = false;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (in_word) words.push_back(word);
    return words;
}

// The files a make rule "target: dep dep \<newline> dep" names after its colon.
std::vector<std::string> make_rule_dependencies(const std::string& rule) {
    std::vector<std::string> deps;
    std::string word;
    bool after_colon = false;
    auto flush = [&] {
        if (!word.empty() && after_colon) deps.push_back(word);
        if (!word.empty() && !after_colon && word.back() == ':') after_colon = true;
        word.clear();
    };
    for (std::size_t i = 0; i < rule.size(); ++i) {
        if (rule[i] == '\\' && i + 1 < rule.size() && rule[i + 1] == '\n') ++i;             // a continuation
        else if (rule[i] == '\\' && i + 1 < rule.size() && rule[i + 1] == ' ') word += rule[++i];  // an escaped space
        else if (std::isspace(static_cast<unsigned char>(rule[i]))) flush();
        else word += rule[i];
    }
    flush();
    return deps;
}

bool is_inside(const fs::path& file, const fs::path& folder) {
    const fs::path rel = file.lexically_relative(folder);
    return !rel.empty() && *rel.begin() != ".." && rel.is_relative();
}

// The #include lines refused before anything reads them: an absolute path, or one naming
// /proc, /dev or /sys (a device or a pipe hangs the compiler; /etc/passwd leaks into errors).
std::string textual_include_problem(const std::string& content, const std::string& shown) {
    static const std::regex include(R"re(^\s*#\s*(include|include_next|import|embed)\s*[<"]([^>"]*)[>"])re");
    static const std::regex has_include(R"re(__has_include(_next)?\s*\(\s*[<"]([^>"]*)[>"])re");
    std::istringstream in(content);
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        std::smatch m;
        if (!std::regex_search(line, m, include) && !std::regex_search(line, m, has_include)) continue;
        const std::string target = m[2];
        bool climbs = false, device = false;  // ../../proc/self/fd/1; <sys/stat.h> is a system header
        for (const auto& part : fs::path(target)) {
            climbs = climbs || part == "..";
            device = device || (climbs && (part == "proc" || part == "dev" || part == "sys"));
        }
        if (!target.empty() && (target.front() == '/' || device))
            return shown + ":" + std::to_string(number) + ": the include of \"" + grading::valid_utf8(target) +
                   "\" is refused (an absolute path, or /proc, /dev, /sys): include only the lab's and the project's headers";
    }
    return "";
}

}  // namespace

std::string review_notes(const std::string& content, const std::string& shown) {
    static const std::vector<std::pair<std::regex, std::string>> constructs = [] {
        std::vector<std::pair<std::regex, std::string>> c;
        for (const auto& [pattern, name] : std::vector<std::pair<const char*, const char*>>{
                 {R"(__attribute__\s*\(\(\s*(__)?(constructor|destructor))", "a static constructor attribute"},
                 {R"(\[\[\s*gnu::(constructor|destructor))", "a static constructor attribute"},
                 {R"(__attribute__\s*\(\(\s*(__)?section)", "a section attribute"},
                 {R"(\b(secure_)?getenv\b|\benviron\b)", "the environment (getenv/environ)"},
                 {R"(/proc\b)", "/proc"},
                 {R"(\b(_exit|_Exit|quick_exit|exit|at_quick_exit|atexit)\s*\()", "exiting the process"},
                 {R"(\b(v?fork|clone|setsid|daemon|exec[lv]p?e?|system|popen|posix_spawnp?)\s*\()", "starting processes"},
                 {R"(\bsyscall\b)", "syscall"},
                 {R"(\b(asm|__asm__|__asm)\b)", "inline assembly"},
                 {R"(\b(dlsym|dlopen|dlvsym)\b)", "dynamic symbols (dlsym)"},
                 {R"(\b(signal|sigaction|raise|kill)\s*\()", "signals"},
                 {R"(\bptrace\b)", "ptrace"},
                 {R"(#\s*pragma\b)", "#pragma"},
                 {R"(#\s*(define|undef)\s+(EXPECT_|ASSERT_|TEST|GTEST|FAIL|SUCCEED|NNLAB_|RUN_ALL_TESTS|testing))",
                  "a #define of a GoogleTest or grading name"},
                 {R"(\btesting::|\bRegisterTest\b|\bUnitTest\b|\bTestResult\b)", "GoogleTest's internals"},
                 {R"(\bNNLAB_RECORD|record-fd|\bfdopen\b|\bdup2?\s*\()", "the grading record channel"}})
            c.emplace_back(std::regex(pattern), name);
        return c;
    }();
    std::string notes;
    std::istringstream in(content);
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (const auto comment = line.find("//"); comment != std::string::npos) line.erase(comment);  // a comment may say "exit"
        for (const auto& [pattern, name] : constructs)
            if (std::regex_search(line, pattern)) {
                notes += (notes.empty() ? "" : "\n") + shown + ":" + std::to_string(number) + ": " + name;
                break;
            }
    }
    return notes;
}

void unpack_zip(const fs::path& zip, const fs::path& into) {
    std::string output;
    const int status = run_command({"/usr/bin/python3", "-I", "-c", kUnzip, zip.string(), into.string()}, output, 120, 1 << 14);
    if (status != 0) {
        while (!output.empty() && output.back() == '\n') output.pop_back();
        const auto last = output.rfind('\n');
        throw std::runtime_error("cannot unpack " + zip.string() + ": " +
                                 (last == std::string::npos ? output : output.substr(last + 1)));
    }
}

Submission locate_files(const Manifest& manifest, const fs::path& root) {
    Submission sub;
    // Every plain file under root by name, for the last resort (a unique basename match).
    std::map<std::string, std::vector<fs::path>> by_name;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (fs::is_regular_file(it->symlink_status(ec))) by_name[it->path().filename().string()].push_back(it->path());
    for (const auto& lab : manifest.labs)
        for (const auto& file : lab.student_files) {
            const std::string key = lab.folder + "/" + file;
            std::vector<fs::path> candidates = {root / "labs" / key, root / key};
            if (auto it = by_name.find(file); it != by_name.end() && it->second.size() == 1) candidates.push_back(it->second.front());
            Found found = Found::no;
            std::uintmax_t size = 0;
            for (const auto& candidate : candidates) {
                found = examine(root, candidate, size);
                if (found == Found::yes) sub.files[key] = candidate;
                if (found != Found::no) break;
            }
            if (found == Found::yes)
                if (std::string notes = review_notes(read_file(sub.files[key]), "labs/" + key); !notes.empty())
                    sub.review[lab.id] += (sub.review[lab.id].empty() ? "" : "\n") + notes;
            if (found == Found::no) sub.missing[lab.id] = "not handed in: labs/" + key;
            else if (found == Found::too_large)
                sub.missing[lab.id] = "too large (" + std::to_string(size) + " bytes, limit " +
                                      std::to_string(kMaxStudentFile) + "): labs/" + key;
            else if (found == Found::link)
                sub.missing[lab.id] = "refused: labs/" + key + " is reached through a symbolic link (hand in the file itself)";
        }
    return sub;
}

std::string compiler_errors(const std::string& log, const std::string& stage_dir, int lines) {
    static const std::regex noise(R"(^(\[ *\d+%\]|g?make(\[\d+\])?:|Consolidate|Scanning dependencies|Dependee|Error \d|\*\*\*))");
    std::istringstream in(log);
    std::string kept;
    int count = 0;
    for (std::string line; std::getline(in, line) && count < lines;) {
        if (line.empty() || std::regex_search(line, noise)) continue;
        for (std::size_t at; (at = line.find(stage_dir)) != std::string::npos;) line.replace(at, stage_dir.size(), "labs");
        kept += (kept.empty() ? "" : "\n") + line;
        ++count;
    }
    return kept;
}

BuildTree::BuildTree(fs::path source, fs::path dir, std::string cmake, int jobs, BuildLimits limits)
    : source_(fs::absolute(source)), dir_(fs::absolute(dir)), cmake_(std::move(cmake)), jobs_(jobs), limits_(limits) {}

bool BuildTree::build_target(const std::string& target, std::string& log, double timeout_s) const {
    log.clear();
    const int status = run_command({cmake_, "--build", (dir_ / "build").string(), "--target", target, "-j",
                                    std::to_string(jobs_)},
                                   log, timeout_s, 1 << 20, {}, {limits_.memory_bytes, false});
    return status == 0;
}

// Why a lab did not build, in words: out of time, out of memory, or the compiler's errors.
std::string BuildTree::build_problem(const std::string& log, int lines) const {
    if (log.find("(stopped after ") != std::string::npos)
        return "the build did not finish within " + std::to_string(static_cast<int>(limits_.timeout_s)) +
               " s (stopped; --build-timeout)";
    if (log.find("virtual memory exhausted") != std::string::npos || log.find("out of memory allocating") != std::string::npos ||
        log.find("std::bad_alloc") != std::string::npos)
        return "the compiler ran out of memory (virtual memory exhausted, limit " +
               std::to_string(limits_.memory_bytes >> 20) + " MiB; --build-memory)";
    return compiler_errors(log, (dir_ / "labs").string(), lines);
}

// The system include folders of the compiler `cxx` (g++ -E -v lists them), real paths.
std::vector<fs::path> BuildTree::system_include_dirs(const std::string& cxx) const {
    std::string output;
    run_command({cxx, "-xc++", "-std=c++20", "-E", "-v", "/dev/null", "-o", "/dev/null"}, output, 30);
    std::vector<fs::path> dirs;
    std::istringstream in(output);
    bool listing = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("#include <...> search starts here:", 0) == 0) listing = true;
        else if (line.rfind("End of search list.", 0) == 0) listing = false;
        else if (listing && !line.empty() && line[0] == ' ') {
            std::error_code ec;
            const fs::path dir = fs::canonical(line.substr(1), ec);
            if (!ec) dirs.push_back(dir);
        }
    }
    return dirs;
}

// Refuses a student's file whose #includes reach outside the lab folders, the project's
// common/ and the compiler's own headers: the preprocessor's dependency scan (-M, with the
// build's own flags, a short time limit) lists every file it would read, each resolved to
// its real path. The file's content, and the included files', are never shown.
std::string BuildTree::include_problem(const std::string& key) const {
    const fs::path staged = dir_ / "labs" / key;
    const std::string shown = "labs/" + key;
    if (std::string p = textual_include_problem(read_file(staged), shown); !p.empty()) return p;
    nlohmann::json commands;
    try {
        commands = nlohmann::json::parse(read_file(dir_ / "build" / "compile_commands.json"));
    } catch (const std::exception&) {
        return shown + ": cannot check its includes (no compile_commands.json in the grading build)";
    }
    std::error_code ec;
    const fs::path real_staged = fs::weakly_canonical(staged, ec);
    for (const auto& entry : commands) {
        if (fs::weakly_canonical(entry.value("file", ""), ec) != real_staged) continue;
        std::vector<std::string> argv;
        const auto words = split_command(entry.value("command", ""));
        for (std::size_t i = 0; i < words.size(); ++i) {
            const std::string& w = words[i];
            if (w == "-o" || w == "-MF" || w == "-MT" || w == "-MQ") ++i;  // and its argument
            else if (w != "-c" && w != "-MD" && w != "-MMD" && fs::weakly_canonical(w, ec) != real_staged) argv.push_back(w);
        }
        if (argv.empty()) break;
        const fs::path deps = dir_ / "include-scan.d";
        fs::remove(deps, ec);
        argv.insert(argv.end(), {"-M", "-MG", "-MF", deps.string(), "-fno-diagnostics-show-caret", staged.string()});
        std::string output;
        const int status = run_command(argv, output, 20, 1 << 16, entry.value("directory", ""), {limits_.memory_bytes, false});
        if (status == -1)
            return shown + ": its includes could not be checked: the preprocessor did not finish within 20 s "
                           "(an include of a device, a pipe or an endless chain?)";
        if (status != 0) {  // its own errors only (file:line: error), never another file's text
            std::string errors;
            std::istringstream in(output);
            for (std::string line; std::getline(in, line);)
                if (line.rfind(staged.string() + ":", 0) == 0 && line.find("error") != std::string::npos)
                    errors += "\n" + shown + line.substr(staged.string().size());
            return shown + ": the preprocessor stopped on it:" + (errors.empty() ? "\n(an error in a file it includes)" : errors);
        }
        std::vector<fs::path> allowed = system_include_dirs(argv.front());
        allowed.push_back(fs::canonical(dir_ / "labs", ec));
        allowed.push_back(fs::canonical(source_ / "common", ec));
        for (const auto& dep : make_rule_dependencies(read_file(deps))) {
            const fs::path real = fs::canonical(fs::path(entry.value("directory", "")) / dep, ec);
            if (ec) continue;  // missing (-MG): the build fails on it, before reading anything after it
            if (std::none_of(allowed.begin(), allowed.end(), [&](const fs::path& root) { return is_inside(real, root); }))
                return shown + ": it includes " + grading::valid_utf8(dep) +
                       ", outside the lab folders, the project's common/ and the compiler's headers: refused";
        }
        return "";
    }
    return shown + ": cannot check its includes (it is not in the grading build's compile_commands.json)";
}

// The staging labs/ folder holds exactly the released lab folders: any other file or folder
// (a header planted by an earlier submission's test, to shadow an instructor header for the
// next student) is removed, symbolic links too; sync_folder then restores every instructor
// file whose content differs.
void BuildTree::restore(const Manifest& manifest, bool stage_stubs) const {
    const fs::path labs = dir_ / "labs";
    fs::create_directories(labs);
    std::set<fs::path> expected;
    for (const auto& lab : manifest.labs) {
        expected.insert(lab.folder);
        for (const auto& entry : fs::recursive_directory_iterator(source_ / "labs" / lab.folder))
            expected.insert(fs::path(lab.folder) / fs::relative(entry.path(), source_ / "labs" / lab.folder));
    }
    std::vector<fs::path> unexpected;
    for (auto it = fs::recursive_directory_iterator(labs); it != fs::recursive_directory_iterator(); ++it) {
        const fs::path rel = fs::relative(it->path(), labs);
        const auto st = it->symlink_status();
        if (!expected.count(rel) || fs::is_symlink(st) || (!fs::is_directory(st) && !fs::is_regular_file(st))) {
            unexpected.push_back(it->path());
            if (fs::is_directory(st)) it.disable_recursion_pending();
        }
    }
    for (const auto& p : unexpected) fs::remove_all(p);
    for (const auto& lab : manifest.labs) {
        // The released lab folder (headers, README, stubs): the instructor's, never the student's.
        std::set<fs::path> student_files;
        for (const auto& file : lab.student_files)
            if (!stage_stubs) student_files.insert(labs / lab.folder / file);
        sync_folder(source_ / "labs" / lab.folder, labs / lab.folder, student_files);
        if (stage_stubs) stage(lab, nullptr);
    }
}

void BuildTree::stage(const LabSpec& lab, const Submission* sub) const {
    for (const auto& file : lab.student_files) {
        const std::string key = lab.folder + "/" + file;
        const fs::path staged = dir_ / "labs" / key;
        const fs::path from = sub != nullptr && sub->files.count(key) ? sub->files.at(key) : source_ / "labs" / key;
        const std::string content = read_file(from);
        if (fs::exists(staged) && read_file(staged) == content) continue;  // unchanged: nothing to rebuild
        std::ofstream(staged, std::ios::binary | std::ios::trunc) << content;
    }
}

bool BuildTree::prepare(const Manifest& manifest, std::string& log) {
    restore(manifest);
    const fs::path cache = dir_ / "build" / "CMakeCache.txt";
    if (fs::exists(cache)) {  // a tree made from another project would silently grade with that one
        const std::string text = read_file(cache);
        const std::string home = "CMAKE_HOME_DIRECTORY:INTERNAL=" + fs::weakly_canonical(source_).string() + "\n";
        if (text.find(home) == std::string::npos) {
            log = (dir_ / "build").string() + " was configured for another project than " + source_.string() +
                  ": use another --build-dir";
            return false;
        }
    }
    if (!fs::exists(dir_ / "build" / "compile_commands.json")) {  // the include check reads it
        const int status = run_command({cmake_, "-S", source_.string(), "-B", (dir_ / "build").string(), "-G",
                                        "Unix Makefiles", "-DNNLAB_EDITION=labs",
                                        "-DNNLAB_LABS_DIR=" + (dir_ / "labs").string(),
                                        "-DNNLAB_MANIFEST=" + manifest.file.string(), "-DNNLAB_BUILD_BENCH=OFF",
                                        "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"},
                                       log, 600);
        if (status != 0) return false;
    }
    // Built once; after that each submission's build() rebuilds only what it changed.
    const fs::path stamp = dir_ / "build" / "nnlab-grading-tree-built";
    if (fs::exists(stamp)) return true;
    for (const auto& lab : manifest.labs)
        if (!build_target(lab.id + "_test", log, 3600)) return false;  // the first build: everything
    std::ofstream(stamp) << source_.string() << "\n";
    return true;
}

std::map<std::string, std::string> BuildTree::build(const Manifest& manifest, const Submission& sub,
                                                    const std::set<std::string>& labs) {
    std::map<std::string, std::string> problems;
    restore(manifest, false);  // whatever an earlier submission left in the tree is gone
    for (const auto& lab : manifest.labs) stage(lab, &sub);
    // In manifest order, so a lab's dependencies are settled (the student's, or the stubs
    // standing in for them) before it is built.
    for (const auto& lab : manifest.labs) {
        if (auto m = sub.missing.find(lab.id); m != sub.missing.end()) problems[lab.id] = m->second;
        const bool wanted = labs.empty() || labs.count(lab.id);
        bool depended_on = false;
        for (const auto& other : manifest.labs)
            if ((labs.empty() || labs.count(other.id)) &&
                std::find(other.depends.begin(), other.depends.end(), lab.id) != other.depends.end())
                depended_on = true;
        if (!wanted && !depended_on) continue;
        std::string log, refused;
        for (const auto& file : lab.student_files)
            if (refused.empty() && sub.files.count(lab.folder + "/" + file)) refused = include_problem(lab.folder + "/" + file);
        if (refused.empty() && build_target(lab.id + "_test", log, limits_.timeout_s)) continue;
        problems[lab.id] = refused.empty() ? "does not compile:\n" + build_problem(log) : "refused: " + refused;
        stage(lab, nullptr);  // the stub stands in, so the labs after it still build
        if (!build_target(lab.id + "_test", log, limits_.timeout_s))
            problems[lab.id] += "\n(and the released stub does not build either:\n" + build_problem(log, 10) + ")";
    }
    return problems;
}

}  // namespace nnlab::grade
