#include "submission.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

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
// their time stamps, so a reused build tree rebuilds nothing for them.
void sync_folder(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    for (const auto& entry : fs::recursive_directory_iterator(from)) {
        const fs::path target = to / fs::relative(entry.path(), from);
        if (entry.is_directory()) fs::create_directories(target);
        else if (!fs::exists(target) || read_file(target) != read_file(entry.path()))
            fs::copy_file(entry.path(), target, fs::copy_options::overwrite_existing);
    }
}

bool is_plain_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(fs::symlink_status(p, ec)) && fs::file_size(p, ec) <= kMaxStudentFile;
}

}  // namespace

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
        if (is_plain_file(it->path())) by_name[it->path().filename().string()].push_back(it->path());
    for (const auto& lab : manifest.labs)
        for (const auto& file : lab.student_files) {
            const std::string key = lab.folder + "/" + file;
            fs::path found;
            if (is_plain_file(root / "labs" / key)) found = root / "labs" / key;
            else if (is_plain_file(root / key)) found = root / key;
            else if (auto it = by_name.find(file); it != by_name.end() && it->second.size() == 1) found = it->second.front();
            if (found.empty()) sub.missing[lab.id] = "not handed in: labs/" + key;
            else sub.files[key] = found;
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

BuildTree::BuildTree(fs::path source, fs::path dir, std::string cmake, int jobs)
    : source_(std::move(source)), dir_(std::move(dir)), cmake_(std::move(cmake)), jobs_(jobs) {}

bool BuildTree::build_target(const std::string& target, std::string& log) const {
    log.clear();
    const int status = run_command({cmake_, "--build", (dir_ / "build").string(), "--target", target, "-j",
                                    std::to_string(jobs_)},
                                   log, 600);
    return status == 0;
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
    fs::create_directories(dir_ / "labs");
    for (const auto& lab : manifest.labs) {
        // The released lab folder (headers, README, stubs): the instructor's, never the student's.
        sync_folder(source_ / "labs" / lab.folder, dir_ / "labs" / lab.folder);
        stage(lab, nullptr);
    }
    const fs::path cache = dir_ / "build" / "CMakeCache.txt";
    if (fs::exists(cache)) {  // a tree made from another project would silently grade with that one
        const std::string text = read_file(cache);
        const std::string home = "CMAKE_HOME_DIRECTORY:INTERNAL=" + fs::weakly_canonical(source_).string() + "\n";
        if (text.find(home) == std::string::npos) {
            log = (dir_ / "build").string() + " was configured for another project than " + source_.string() +
                  ": use another --build-dir";
            return false;
        }
    } else {
        const int status = run_command({cmake_, "-S", source_.string(), "-B", (dir_ / "build").string(), "-G",
                                        "Unix Makefiles", "-DNNLAB_EDITION=labs",
                                        "-DNNLAB_LABS_DIR=" + (dir_ / "labs").string(),
                                        "-DNNLAB_MANIFEST=" + manifest.file.string(), "-DNNLAB_BUILD_BENCH=OFF",
                                        "-DCMAKE_BUILD_TYPE=RelWithDebInfo"},
                                       log, 600);
        if (status != 0) return false;
    }
    // Built once; after that each submission's build() rebuilds only what it changed.
    const fs::path stamp = dir_ / "build" / "nnlab-grading-tree-built";
    if (fs::exists(stamp)) return true;
    for (const auto& lab : manifest.labs)
        if (!build_target(lab.id + "_test", log)) return false;
    std::ofstream(stamp) << source_.string() << "\n";
    return true;
}

std::map<std::string, std::string> BuildTree::build(const Manifest& manifest, const Submission& sub,
                                                    const std::set<std::string>& labs) {
    std::map<std::string, std::string> problems;
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
        std::string log;
        if (build_target(lab.id + "_test", log)) continue;
        problems[lab.id] = "does not compile:\n" + compiler_errors(log, (dir_ / "labs").string());
        stage(lab, nullptr);  // the stub stands in, so the labs after it still build
        if (!build_target(lab.id + "_test", log))
            problems[lab.id] += "\n(and the released stub does not build either:\n" +
                                compiler_errors(log, (dir_ / "labs").string(), 10) + ")";
    }
    return problems;
}

}  // namespace nnlab::grade
