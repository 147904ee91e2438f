// nnlab-grade — grades the labs: every test in its own process, the points from the
// instructor's table, the score table, the records, Gradescope's results.json.
//
//   nnlab-grade                         this build's labs: the table, the total, the next lab
//   nnlab-grade --lab lab02 --verbose   one lab, a line per test (Expected / Actual kept)
//   nnlab-grade --records r.json --json results.json --require-full
//   nnlab-grade --submission DIR|ZIP --build-dir B          a student's hand-in
//   nnlab-grade --submissions DIR --csv grades.csv --build-dir B   a class
//
// Exit status: 0 graded (1 with --require-full when points are missing), 2 bad usage or
// manifest, 3 a result file could not be written, 130 interrupted (Ctrl-C).
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include "grade.hpp"
#include "grading/record.hpp"
#include "manifest.hpp"
#include "report.hpp"
#include "submission.hpp"

namespace fs = std::filesystem;
using namespace nnlab::grade;

namespace {

struct Options {
    fs::path manifest = NNLAB_DEFAULT_MANIFEST, bin, records, json, csv, submission, submissions, build_dir;
    fs::path source = NNLAB_SOURCE_DIR;
    std::vector<std::string> labs;
    bool require_full = false, verbose = false;
    int jobs = 2;
    Limits limits;
    BuildLimits build;
    double test_memory_mib = static_cast<double>(kDefaultTestMemory >> 20), build_memory_mib = 4096;
};

fs::path own_folder() {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::current_path() : self.parent_path();
}

// Writes every requested result file; false (with the error printed) when one fails.
bool write_outputs(const Options& o, const std::vector<LabResult>& labs, double seconds, const std::string& build_log) {
    kill_strays();  // nothing a test started may rewrite a result file after us
    try {
        if (!o.records.empty()) write_file_atomically(o.records, records_json(labs));
        if (!o.json.empty()) write_file_atomically(o.json, gradescope_json(labs, seconds, summary_text(labs) + build_log));
    } catch (const std::exception& e) {
        std::cerr << "nnlab-grade: error: " << e.what() << "\n";
        return false;
    }
    return true;
}

void print_next(const std::vector<LabResult>& labs, bool partial) {
    for (const auto& lab : labs)
        if (lab.score() < lab.spec->points) {
            // Every test that ran passed and the rest were skipped (no MNIST, say): the work
            // is done, and what is left to do is what the skip message says, not the lab.
            const int skipped = lab.count("skipped");
            if (lab.problem.empty() && skipped > 0 && lab.count("passed") + skipped == static_cast<int>(lab.tests.size())) {
                const auto first = std::find_if(lab.tests.begin(), lab.tests.end(),
                                                [](const TestResult& t) { return t.status == "skipped"; });
                std::cout << "\nNext: " << lab.spec->id << "'s tests pass but " << skipped << (skipped == 1 ? " was" : " were")
                      << " skipped: "
                          << first->message << "; then grade again\n\n";
                return;
            }
            std::cout << "\nNext: " << lab.spec->id << " (" << lab.spec->title << "). See " << lab.spec->id
                      << "'s README, then: ctest --preset " << NNLAB_TEST_PRESET << " -L " << lab.spec->id
                      << " --output-on-failure\n\n";
            return;
        }
    if (partial) std::cout << "\nThese labs are complete.\n\n";
    else
        std::cout << "\nEvery lab is complete. Train your network: cmake --build --preset " << NNLAB_TEST_PRESET
                  << " --target train\n\n";
}

std::set<std::string> selected(const Options& o, const Manifest& m) {
    std::set<std::string> labs;
    for (const auto& id : o.labs) {
        if (m.find(id) == nullptr) throw std::runtime_error("--lab " + id + ": no such lab in " + m.file.string());
        labs.insert(id);
    }
    return labs;
}

// Grades one submission (folder or zip) with `tree`; the lab problems are compile errors
// or missing files.
std::vector<LabResult> grade_submission(const Options& o, const Manifest& m, BuildTree& tree, const fs::path& path,
                                        const fs::path& scratch, const GradeRequest& base) {
    fs::path root = path;
    std::map<std::string, std::string> unpack_problem;
    if (fs::is_regular_file(path)) {
        root = scratch / "unpacked";
        fs::remove_all(root);
        try {
            unpack_zip(path, root);
        } catch (const std::exception& e) {
            for (const auto& lab : m.labs) unpack_problem[lab.id] = e.what();
            fs::create_directories(root);
        }
    }
    GradeRequest request = base;
    if (unpack_problem.empty()) {
        const Submission sub = locate_files(m, root);
        request.lab_problems = tree.build(m, sub, base.labs);
        request.lab_reviews = sub.review;
    } else {
        request.lab_problems = unpack_problem;
    }
    request.bin_dir = tree.bin_dir();
    (void)o;
    auto results = grade_labs(request);
    kill_strays();
    tree.restore(m, false);  // what its tests wrote into the tree is gone before the next one
    return results;
}

int run_batch(const Options& o, const Manifest& m, const GradeRequest& base) {
    std::vector<fs::path> students;
    for (const auto& entry : fs::directory_iterator(o.submissions))
        if (entry.is_directory() || entry.path().extension() == ".zip") students.push_back(entry.path());
    std::sort(students.begin(), students.end());
    const int workers = std::max(1, std::min<int>(o.jobs, static_cast<int>(students.size())));
    std::vector<std::unique_ptr<BuildTree>> trees;
    for (int w = 0; w < workers; ++w) {
        trees.push_back(std::make_unique<BuildTree>(o.source, o.build_dir / ("worker" + std::to_string(w)), NNLAB_CMAKE_COMMAND, 1, o.build));
        std::string log;
        std::cout << "preparing build tree " << w + 1 << " of " << workers << "…" << std::endl;
        if (!trees.back()->prepare(m, log)) {
            if (interrupted) return 130;
            std::cerr << "nnlab-grade: error: the grading build does not build:\n" << log << "\n";
            return 2;
        }
    }
    std::vector<std::vector<LabResult>> results(students.size());
    std::mutex print;
    std::size_t next = 0;
    auto work = [&](int w) {
        for (;;) {
            std::size_t i;
            {
                std::lock_guard lock(print);
                if (next >= students.size() || interrupted) return;
                i = next++;
            }
            results[i] = grade_submission(o, m, *trees[w], students[i], o.build_dir / ("worker" + std::to_string(w)), base);
            std::lock_guard lock(print);
            std::cout << "  " << students[i].filename().string() << "  " << total_score(results[i]) << "/"
                      << total_max(results[i]) << std::endl;
        }
    };
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) threads.emplace_back(work, w);
    for (auto& t : threads) t.join();
    if (interrupted) return 130;

    std::string csv = "student";
    for (const auto& lab : m.labs) csv += "," + lab.id;
    csv += ",total,status\n";
    for (std::size_t i = 0; i < students.size(); ++i) {
        std::string status;
        for (const auto& lab : results[i])
        {
            if (!lab.review.empty())  // first: a reader sorting on the column finds them together
                status = "REVIEW " + lab.spec->id + " " + lab.review.substr(0, lab.review.find('\n')) + (status.empty() ? "" : "; ") + status;
            if (!lab.problem.empty()) status += (status.empty() ? "" : "; ") + lab.spec->id + " " + lab.problem.substr(0, lab.problem.find('\n'));
        }
        std::string name = students[i].filename().string();
        if (students[i].extension() == ".zip") name = students[i].stem().string();
        csv += csv_field(nnlab::grading::valid_utf8(name));
        for (const auto& lab : m.labs) {
            auto it = std::find_if(results[i].begin(), results[i].end(), [&](const LabResult& r) { return r.spec->id == lab.id; });
            csv += "," + (it == results[i].end() ? std::string() : std::to_string(it->score()));
        }
        csv += "," + std::to_string(total_score(results[i])) + "," + csv_field(status.empty() ? "ok" : status) + "\n";
    }
    kill_strays();  // nothing a test started may rewrite the gradebook after us
    try {
        write_file_atomically(o.csv, csv);
    } catch (const std::exception& e) {
        std::cerr << "nnlab-grade: error: " << e.what() << "\n";
        return 3;
    }
    std::cout << "Wrote " << o.csv.string() << " (" << students.size() << " submissions)\n";
    return 0;
}

}  // namespace

int grade_main(int argc, char** argv) {
    CLI::App app{"nnlab-grade: grade the labs — each test in its own process, the points from the instructor's table"};
    Options o;
    app.add_option("--manifest", o.manifest, "the lab manifest (labs.json)")->capture_default_str();
    app.add_option("--bin", o.bin, "where the lab test programs are (default: beside nnlab-grade)");
    app.add_option("--lab", o.labs, "grade only this lab (repeatable); the total is then partial");
    app.add_flag("-v,--verbose", o.verbose, "print a line per test as it finishes, with its message");
    app.add_option("--records", o.records, "write every test's record as a JSON array to this file");
    app.add_option("--json", o.json, "write Gradescope's results.json to this file");
    app.add_flag("--require-full", o.require_full, "exit 1 unless every graded lab has full marks");
    app.add_option("--timeout", o.limits.timeout_s, "seconds each test may run")->capture_default_str()->check(CLI::PositiveNumber);
    app.add_option("--memory", o.test_memory_mib, "MiB of address space each test may use (0: no limit)")
        ->capture_default_str()->check(CLI::NonNegativeNumber);
    app.add_option("--build-timeout", o.build.timeout_s, "seconds each lab's build may take (--submission[s])")
        ->capture_default_str()->check(CLI::PositiveNumber);
    app.add_option("--build-memory", o.build_memory_mib, "MiB of address space for the compiler (0: no limit)")
        ->capture_default_str()->check(CLI::NonNegativeNumber);
    app.add_flag("--as-nobody", o.limits.test.drop_root,
                 "as root: run each test as nobody (65534), so it cannot write the grading tree (every folder "
                 "down to the tests and the data must be readable by others)");
    app.add_option("--grace", o.limits.grace_s, "seconds between SIGTERM and SIGKILL")->capture_default_str()->check(CLI::NonNegativeNumber);
    auto* single = app.add_option("--submission", o.submission, "grade a hand-in (a folder or a .zip)")->check(CLI::ExistingPath);
    auto* batch = app.add_option("--submissions", o.submissions, "grade every folder or .zip in this folder")->check(CLI::ExistingDirectory);
    auto* csv = app.add_option("--csv", o.csv, "the gradebook to write (with --submissions)");
    app.add_option("--build-dir", o.build_dir, "the grading build tree, reused between runs (with --submission[s])");
    app.add_option("--source", o.source, "the instructor's project the submissions are built with")->capture_default_str();
    app.add_option("--jobs", o.jobs, "submissions graded at a time (--submissions)")->capture_default_str()->check(CLI::Range(1, 16));
    single->excludes(batch);
    batch->needs(csv);
    csv->needs(batch);
    CLI11_PARSE(app, argc, argv);
    o.limits.test.memory_bytes = static_cast<rlim_t>(o.test_memory_mib * (1 << 20));
    o.build.memory_bytes = static_cast<rlim_t>(o.build_memory_mib * (1 << 20));

    install_interrupt_handler();
    become_subreaper();
    Manifest manifest;
    std::set<std::string> labs;
    try {
        manifest = read_manifest(o.manifest);
        labs = selected(o, manifest);
    } catch (const std::exception& e) {
        std::cerr << "nnlab-grade: error: " << e.what() << "\n";
        return 2;
    }
    const bool partial = !labs.empty() && labs.size() < manifest.labs.size();
    const auto start = std::chrono::steady_clock::now();
    std::mutex print;
    GradeRequest request;
    request.manifest = &manifest;
    request.labs = labs;
    request.limits = o.limits;
    request.bin_dir = o.bin.empty() ? own_folder() : o.bin;
    if (o.verbose)
        request.on_test = [&](const TestResult& t) {
            std::lock_guard lock(print);
            print_test_line(std::cout, t);
        };

    if ((!o.submission.empty() || !o.submissions.empty()) && o.build_dir.empty()) {
        std::cerr << "nnlab-grade: error: --submission and --submissions need --build-dir (a folder for the grading build)\n";
        return 2;
    }
    if (!o.submissions.empty()) {
        request.on_test = nullptr;
        const int status = run_batch(o, manifest, request);
        return status;
    }

    std::vector<LabResult> results;
    std::string header = std::string(NNLAB_EDITION_NAME) + " edition (" + NNLAB_EDITION_DIR + ")";
    if (!o.submission.empty()) {
        BuildTree tree(o.source, o.build_dir, NNLAB_CMAKE_COMMAND, 2, o.build);
        std::string log;
        std::cout << "nnlab grade · preparing the grading build in " << o.build_dir.string() << std::endl;
        if (!tree.prepare(manifest, log)) {
            if (interrupted) return 130;
            std::cerr << "nnlab-grade: error: the grading build does not build:\n" << log << "\n";
            return 2;
        }
        results = grade_submission(o, manifest, tree, fs::absolute(o.submission), o.build_dir, request);
        header = "submission " + o.submission.string();
    } else {
        results = grade_labs(request);
    }
    if (interrupted) {
        std::cerr << "\nnnlab-grade: interrupted\n";
        return 130;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::cout << "\nnnlab grade · " << header << "\n\n";
    print_table(std::cout, results, partial, manifest.total());
    for (const auto& lab : results)
        if (lab.problem.find('\n') != std::string::npos) std::cout << "\n" << lab.spec->id << " " << lab.problem << "\n";
    for (const auto& lab : results)
        if (!lab.review.empty())
            std::cout << "\n" << lab.spec->id << " REVIEW (flagged for a human, points unchanged):\n" << lab.review << "\n";
    if (o.submission.empty()) print_next(results, partial);
    if (!write_outputs(o, results, seconds, "")) return 3;
    if (!o.json.empty()) std::cout << "Wrote " << o.json.string() << "\n";
    if (!o.records.empty()) std::cout << "Wrote " << o.records.string() << "\n";
    return o.require_full && total_score(results) < total_max(results) ? 1 : 0;
}

int main(int argc, char** argv) {
    int status = 2;
    try {
        status = grade_main(argc, argv);
    } catch (const std::exception& e) {  // a file system error while staging, say: named, never an abort
        std::cerr << "nnlab-grade: error: " << e.what() << "\n";
    }
    kill_strays();  // on every way out, Ctrl-C too: no process a test started outlives us
    return status;
}
