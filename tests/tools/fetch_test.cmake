# The data fetch under faults (label reliability), offline: a folder holding only .gz files
# counts as present once their inflated content verifies; the work folders of an interrupted
# fetch are removed; a file with the wrong content is moved aside, never trained on.
#   cmake -DSOURCE=<repo> -DDATA=<folder with mnist/> -DWORK=<scratch> -P fetch_test.cmake
# Prints SKIP (the test's skip marker) when MNIST is not there to copy.
cmake_minimum_required(VERSION 3.25)
set(files train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
foreach(name IN LISTS files)
  if(NOT EXISTS "${DATA}/mnist/${name}")
    message("SKIP: MNIST is not in ${DATA}/mnist")
    return()
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK}")

function(fetch dir out_var rc_var)
  execute_process(COMMAND "${CMAKE_COMMAND}" -DNNLAB_DATA_DIR=${dir} -DNNLAB_FETCH_OFFLINE=ON
                          -P "${SOURCE}/data/fetch.cmake" mnist
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  set(${out_var} "${out}${err}" PARENT_SCOPE)
  set(${rc_var} "${rc}" PARENT_SCOPE)
endfunction()

# expect("a EQUAL b" "what went wrong"): the condition is CMake if() syntax.
function(expect condition what)
  cmake_language(EVAL CODE "if(NOT (${condition}))\n  message(FATAL_ERROR [==[${what}]==])\nendif()")
endfunction()

# 1. Only .gz files, and two work folders an interrupted fetch left.
file(MAKE_DIRECTORY "${WORK}/gz/mnist" "${WORK}/gz/.fetch-mnist-ab12cd34/npm" "${WORK}/gz/.fetch-Zx81Qa0b")
foreach(name IN LISTS files)
  execute_process(COMMAND gzip -1 -c "${DATA}/mnist/${name}" OUTPUT_FILE "${WORK}/gz/mnist/${name}.gz"
                  RESULT_VARIABLE rc)
  expect("rc EQUAL 0" "gzip failed")
endforeach()
fetch("${WORK}/gz" out rc)
expect("rc EQUAL 0" ".gz files only: the fetch failed:\n${out}")
string(FIND "${out}" "all four files present and verified" at)
expect("at GREATER -1" ".gz files only: not counted as present:\n${out}")
file(GLOB left LIST_DIRECTORIES true "${WORK}/gz/.fetch-*")
expect("\"${left}\" STREQUAL \"\"" "work folders left: ${left}")

# 2. A .gz whose content is not MNIST's: moved aside.
file(WRITE "${WORK}/bad-content" "not the labels")
execute_process(COMMAND gzip -c "${WORK}/bad-content" OUTPUT_FILE "${WORK}/gz/mnist/t10k-labels-idx1-ubyte.gz")
fetch("${WORK}/gz" out rc)
expect("NOT rc EQUAL 0" "a wrong .gz passed:\n${out}")
string(FIND "${out}" "t10k-labels-idx1-ubyte.gz: SHA-256 mismatch once inflated" at)
expect("at GREATER -1" "no message naming the wrong .gz:\n${out}")
expect("NOT EXISTS \"${WORK}/gz/mnist/t10k-labels-idx1-ubyte.gz\"" "the wrong .gz is still in place")
file(GLOB aside "${WORK}/gz/mnist/t10k-labels-idx1-ubyte.gz.corrupt-*")
expect("aside" "the wrong .gz was not kept aside")

# 3. A raw file with the wrong content: moved aside, and said so.
file(MAKE_DIRECTORY "${WORK}/raw/mnist")
foreach(name IN LISTS files)
  file(CREATE_LINK "${DATA}/mnist/${name}" "${WORK}/raw/mnist/${name}" SYMBOLIC)
endforeach()
file(REMOVE "${WORK}/raw/mnist/train-labels-idx1-ubyte")
file(WRITE "${WORK}/raw/mnist/train-labels-idx1-ubyte" "not the labels")
fetch("${WORK}/raw" out rc)
expect("NOT rc EQUAL 0" "a wrong file passed:\n${out}")
string(FIND "${out}" "train-labels-idx1-ubyte: SHA-256 mismatch" at)
expect("at GREATER -1" "no message naming the wrong file:\n${out}")
string(REGEX MATCH "Moved[ \t\n]+aside[ \t\n]+to" said "${out}")  # CMake wraps warnings at spaces
expect("said" "no word of moving it aside:\n${out}")
expect("NOT EXISTS \"${WORK}/raw/mnist/train-labels-idx1-ubyte\"" "the wrong file is still in place")
file(GLOB left LIST_DIRECTORIES true "${WORK}/raw/.fetch-*")
expect("\"${left}\" STREQUAL \"\"" "work folders left: ${left}")
file(REMOVE_RECURSE "${WORK}")
message("fetch_test: passed")
