// manifest.hpp — the labs nnlab-grade grades: labs.json, and the points table it builds
// itself from each lab's test source (the GRADED_TEST lines), never from a test program.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nnlab::grade {

struct TestSpec {
    std::string name;  // Suite.Name, as --gtest_filter takes it
    int points = 0;
    bool hidden = false;
};

struct LabSpec {
    std::string id, title, folder;
    std::vector<std::string> student_files, depends;
    std::filesystem::path test_source;  // absolute
    int points = 0;
    bool needs_data = false;
    std::vector<TestSpec> tests;
};

struct Manifest {
    std::filesystem::path file, root;  // labs.json and the folder it is in (the project root)
    std::vector<LabSpec> labs;
    int total() const;
    const LabSpec* find(const std::string& id) const;
};

// Reads labs.json and every lab's test table; throws std::runtime_error naming the file and
// what is wrong (not JSON, a field missing, a dependency on a later or unknown lab, tests
// whose points do not add up to the lab's points).
Manifest read_manifest(const std::filesystem::path& file);

// The GRADED_TEST(Suite, Name, points[, hidden]) lines of a test source.
std::vector<TestSpec> read_test_table(const std::filesystem::path& source);

}  // namespace nnlab::grade
