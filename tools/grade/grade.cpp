#include "grade.hpp"

namespace nnlab::grade {

namespace fs = std::filesystem;

int LabResult::score() const {
    int s = 0;
    for (const auto& t : tests) s += t.points;
    return s;
}

int LabResult::count(const std::string& status) const {
    int n = 0;
    for (const auto& t : tests) n += t.status == status;
    return n;
}

int total_score(const std::vector<LabResult>& labs) {
    int s = 0;
    for (const auto& lab : labs) s += lab.score();
    return s;
}

int total_max(const std::vector<LabResult>& labs) {
    int s = 0;
    for (const auto& lab : labs) s += lab.spec->points;
    return s;
}

namespace {

// The first lab, following `depends` down from spec, whose test program is missing while
// every lab it depends on was built: the one whose own code does not compile.
const LabSpec* first_unbuilt(const LabSpec& spec, const GradeRequest& request) {
    for (const auto& id : spec.depends)
        if (const LabSpec* dep = request.manifest->find(id); dep && !fs::exists(request.bin_dir / (id + "_test")))
            return first_unbuilt(*dep, request);
    return &spec;
}

// Why a lab's test program is missing: an earlier lab it depends on does not build (then it
// is blocked, not broken), or its own code does not (the `grade` target removes the program
// of a lab that fails to build, so an old copy is never graded).
std::string not_built(const LabSpec& spec, const GradeRequest& request) {
    const LabSpec* cause = first_unbuilt(spec, request);
    if (cause != &spec) return "blocked by " + cause->id + ": it does not compile yet, so this lab cannot be built";
    return "not built: " + spec.id + " does not compile (the build's errors are above; nnlab test " + spec.id +
           " shows them again) or was never built";
}

LabResult grade_lab(const LabSpec& spec, const GradeRequest& request) {
    LabResult lab;
    lab.spec = &spec;
    const fs::path program = request.bin_dir / (spec.id + "_test");
    if (auto review = request.lab_reviews.find(spec.id); review != request.lab_reviews.end()) lab.review = review->second;
    if (auto problem = request.lab_problems.find(spec.id); problem != request.lab_problems.end()) lab.problem = problem->second;
    else if (!fs::exists(program)) lab.problem = not_built(spec, request);
    for (const auto& test : spec.tests) {
        TestResult t{spec.id, test.name, 0, test.points, test.hidden, "failed", "", "", ""};
        if (!lab.problem.empty()) {
            t.message = lab.problem.substr(0, lab.problem.find('\n'));
        } else if (interrupted) {
            t.status = "interrupted";
            t.message = "stopped (Ctrl-C)";
        } else {
            Outcome o = run_test(program, spec.id, test.name, request.limits, request.env);
            t.status = o.status;
            t.blocked_by = o.blocked_by;
            t.message = o.message;
            t.where = o.where;
            if (t.status == "passed") t.points = test.points;  // from our table, never from the child
        }
        if (request.on_test) request.on_test(t);
        lab.tests.push_back(std::move(t));
    }
    return lab;
}

}  // namespace

std::vector<LabResult> grade_labs(const GradeRequest& request) {
    std::vector<LabResult> results;
    for (const auto& spec : request.manifest->labs)
        if (request.labs.empty() || request.labs.count(spec.id)) results.push_back(grade_lab(spec, request));
    return results;
}

}  // namespace nnlab::grade
