#include "manifest.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

namespace nnlab::grade {

namespace fs = std::filesystem;
using nlohmann::json;

int Manifest::total() const {
    int sum = 0;
    for (const auto& lab : labs) sum += lab.points;
    return sum;
}

const LabSpec* Manifest::find(const std::string& id) const {
    for (const auto& lab : labs)
        if (lab.id == id) return &lab;
    return nullptr;
}

namespace {

std::string read_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

template <class T>
T field(const json& lab, const std::string& key, const std::string& where) {
    const auto it = lab.find(key);
    if (it == lab.end()) throw std::runtime_error(where + ": no \"" + key + "\"");
    try {
        return it->get<T>();
    } catch (const json::exception&) {
        throw std::runtime_error(where + ": \"" + key + "\" has the wrong type");
    }
}

LabSpec read_lab(const json& j, const fs::path& root, const std::string& where) {
    LabSpec lab;
    lab.id = field<std::string>(j, "id", where);
    const std::string at = where + " (" + lab.id + ")";
    if (!std::regex_match(lab.id, std::regex("lab[0-9][0-9]"))) throw std::runtime_error(at + ": ids are lab01, lab02, …");
    lab.title = field<std::string>(j, "title", at);
    lab.folder = field<std::string>(j, "folder", at);
    lab.student_files = field<std::vector<std::string>>(j, "student_files", at);
    lab.depends = field<std::vector<std::string>>(j, "depends", at);
    lab.points = field<int>(j, "points", at);
    lab.needs_data = j.value("needs_data", false);
    lab.test_source = root / field<std::string>(j, "test", at);
    for (const auto& f : lab.student_files)
        if (f.empty() || f.find('/') != std::string::npos || f.find("..") != std::string::npos)
            throw std::runtime_error(at + ": student file '" + f + "' must be a plain file name");
    lab.tests = read_test_table(lab.test_source);
    int sum = 0;
    for (const auto& t : lab.tests) sum += t.points;
    if (sum != lab.points)
        throw std::runtime_error(lab.test_source.string() + ": the GRADED_TEST points add up to " + std::to_string(sum) +
                                 ", but " + at + " says " + std::to_string(lab.points));
    return lab;
}

}  // namespace

std::vector<TestSpec> read_test_table(const fs::path& source) {
    static const std::regex graded(R"(^\s*GRADED_TEST\s*\(\s*(\w+)\s*,\s*(\w+)\s*,\s*(\d+)\s*(?:,\s*(\w+)\s*)?\))");
    std::vector<TestSpec> tests;
    std::istringstream lines(read_text(source));
    int number = 0;
    for (std::string line; std::getline(lines, line);) {
        ++number;
        std::smatch m;
        if (!std::regex_search(line, m, graded)) continue;
        if (m[4].matched && m[4] != "hidden")
            throw std::runtime_error(source.string() + ":" + std::to_string(number) + ": '" + m[4].str() +
                                     "' after the points: only 'hidden' may stand there");
        tests.push_back({m[1].str() + "." + m[2].str(), std::stoi(m[3].str()), m[4].matched});
    }
    std::set<std::string> seen;
    for (const auto& t : tests)
        if (!seen.insert(t.name).second) throw std::runtime_error(source.string() + ": " + t.name + " appears twice");
    return tests;
}

Manifest read_manifest(const fs::path& file) {
    Manifest m;
    m.file = fs::absolute(file);
    m.root = m.file.parent_path();
    const json j = json::parse(read_text(m.file), nullptr, false);
    if (j.is_discarded() || !j.contains("labs") || !j["labs"].is_array())
        throw std::runtime_error(m.file.string() + ": not a lab manifest (a JSON object with a \"labs\" array)");
    std::set<std::string> earlier;
    for (std::size_t i = 0; i < j["labs"].size(); ++i) {
        LabSpec lab = read_lab(j["labs"][i], m.root, m.file.string() + ": lab " + std::to_string(i + 1));
        for (const auto& d : lab.depends)
            if (!earlier.count(d))
                throw std::runtime_error(m.file.string() + ": " + lab.id + " depends on " + d +
                                         ", which is not an earlier lab of the manifest");
        if (!earlier.insert(lab.id).second) throw std::runtime_error(m.file.string() + ": " + lab.id + " appears twice");
        m.labs.push_back(std::move(lab));
    }
    if (m.labs.empty()) throw std::runtime_error(m.file.string() + ": no labs");
    return m;
}

}  // namespace nnlab::grade
