// lab_check.hpp — is every lab the trainer runs finished?
#pragma once

namespace nnlab {

// Runs every lab function the trainer uses once, lab by lab in order, on tiny inputs, so
// the earliest unfinished lab is reported now — by name, before loading 55 MB of data.
// Throws NotImplemented (core/todo.hpp) from the first unfinished one.
void require_finished_labs();

}  // namespace nnlab
