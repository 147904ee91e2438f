#include "todo.hpp"

#include <memory>

namespace nnlab {

namespace {
std::unique_ptr<NotImplemented> last;
}  // namespace

std::string short_path(const std::string& path) {
    std::size_t cut = path.size();
    for (int parts = 0; parts < 3; ++parts) {
        std::size_t slash = path.rfind('/', cut == 0 ? 0 : cut - 1);
        if (slash == std::string::npos) return path;
        cut = slash;
    }
    return path.substr(cut + 1);
}

NotImplemented::NotImplemented(std::string lab, std::string function, std::string where)
    : std::logic_error(lab + " · " + function + " is still a TODO (" + where + ")"),
      lab_(std::move(lab)), function_(std::move(function)), where_(std::move(where)) {}

void todo(const char* lab, const char* function, SourceLocation where) {
    NotImplemented error(lab, function, short_path(where.file) + ":" + std::to_string(where.line));
    last = std::make_unique<NotImplemented>(error);
    throw error;
}

const NotImplemented* last_todo() { return last.get(); }
void clear_last_todo() { last.reset(); }

}  // namespace nnlab
