// report.hpp — what nnlab-grade writes: the per-test lines, the score table, the records
// (--records), Gradescope's results.json (--json) and the gradebook row (--csv).
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "grade.hpp"

namespace nnlab::grade {

// "PASS  lab02  Lab02Linear.ForwardHandValues  15/15 pts", the message indented below.
void print_test_line(std::ostream& out, const TestResult& t);

// One line per lab with its score and why it is not done, then the total (marked partial
// when only some labs were graded).
void print_table(std::ostream& out, const std::vector<LabResult>& labs, bool partial, int course_total);

// Why a lab is not done, in a few words (from the records: blocked_by, statuses).
std::string lab_note(const LabResult& lab);

// [{"lab","test","points","max_points","status","blocked_by","message","where"}, …]
std::string records_json(const std::vector<LabResult>& labs);

// Gradescope's results.json: score, execution_time, output, visibility, stdout_visibility,
// tests [{name, number, score, max_score, status, output, visibility, tags}].
std::string gradescope_json(const std::vector<LabResult>& labs, double execution_time_s, const std::string& output);

// The lines of the build summary (per lab: score and problem), as results.json's "output".
std::string summary_text(const std::vector<LabResult>& labs);

// A CSV field: quoted when needed; a leading = + - @ defused (spreadsheets run formulas).
std::string csv_field(const std::string& text);

// Writes to a temporary name beside `path`, checks every byte reached the disk, renames.
// Throws std::runtime_error naming the path when it cannot.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

}  // namespace nnlab::grade
