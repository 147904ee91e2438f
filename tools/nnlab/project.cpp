#include "project.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace nnlab::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::vector<std::string> strings(const json& lab, const char* key) {
    std::vector<std::string> out;
    if (!lab.contains(key)) return out;
    for (const auto& item : lab.at(key)) out.push_back(item.get<std::string>());
    return out;
}

Lab read_lab(const json& j) {
    Lab lab;
    lab.id = j.at("id").get<std::string>();
    lab.title = j.at("title").get<std::string>();
    lab.folder = j.at("folder").get<std::string>();
    lab.student_files = strings(j, "student_files");
    lab.depends = strings(j, "depends");
    lab.points = j.value("points", 0);
    if (j.contains("hints") && j.at("hints").is_array())
        for (const auto& h : j.at("hints")) lab.hints.push_back({h.at("todo").get<std::string>(), strings(h, "tests"), strings(h, "levels")});
    if (lab.student_files.empty()) throw std::runtime_error(lab.id + " has no \"student_files\"");
    for (const auto& file : lab.student_files)
        if (file.empty() || file.find("..") != std::string::npos || file.front() == '/')
            throw std::runtime_error(lab.id + ": student file \"" + file + "\" must be a plain name inside its folder");
    return lab;
}

}  // namespace

const Lab& Project::lab(const std::string& id) const {
    std::string known;
    for (const auto& l : labs) {
        if (l.id == id) return l;
        known += (known.empty() ? "" : ", ") + l.id;
    }
    throw std::runtime_error("no lab '" + id + "' (the labs are " + known + ")");
}

Project load_project(const fs::path& root, const fs::path& build_dir) {
    const fs::path manifest = root / "labs.json";
    Project p{root, build_dir, {}};
    try {
        const json j = json::parse(read_text(manifest));
        for (const auto& lab : j.at("labs")) p.labs.push_back(read_lab(lab));
    } catch (const json::exception& e) {
        throw std::runtime_error(manifest.string() + ": " + e.what());
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(manifest.string() + ": " + e.what());
    }
    if (p.labs.empty()) throw std::runtime_error(manifest.string() + ": no labs");
    return p;
}

std::vector<Todo> todos_left(const Project& project, const Lab& lab) {
    // The call make-labs writes in place of a solution: nnlab::todo("lab02", "Linear::backward");
    static const std::regex call(R"re(nnlab::todo\(\s*"([^"]*)"\s*,\s*"([^"]*)"\s*\))re");
    std::vector<Todo> found;
    for (const auto& file : lab.student_files) {
        const fs::path path = project.lab_file(lab, file);
        if (!fs::exists(path)) continue;
        std::istringstream in(read_text(path));
        int number = 0;
        for (std::string line; std::getline(in, line);) {
            ++number;
            const auto code = line.substr(0, line.find("//"));  // a TODO in a comment is not a call
            std::smatch m;
            if (std::regex_search(code, m, call) && m[1] == lab.id)
                found.push_back({m[2], "labs/" + lab.folder + "/" + file + ":" + std::to_string(number)});
        }
    }
    return found;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_text_atomically(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    const fs::path tmp = path.string() + ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) {
            std::error_code ec;
            fs::remove(tmp, ec);
            throw std::runtime_error("cannot write " + tmp.string());
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw std::runtime_error("cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message());
    }
}

}  // namespace nnlab::cli
