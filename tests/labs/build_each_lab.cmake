# build_each_lab.cmake — builds each lab's graded test program on its own, so that one lab
# that does not compile does not stop the score table of the others (the `grade` target).
#
#   cmake -DBUILD_DIR=… -DPROGRAMS="lab01_test=/path/bin/lab01_test,…" -P build_each_lab.cmake
#
# A program whose build fails is removed: an old copy must never be graded as today's code
# (nnlab-grade then reports that lab as not built, and the build's errors are shown above).
string(REPLACE "," ";" programs "${PROGRAMS}")
foreach(pair IN LISTS programs)
  string(REPLACE "=" ";" parts "${pair}")
  list(GET parts 0 target)
  list(GET parts 1 program)
  execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BUILD_DIR}" --target ${target} RESULT_VARIABLE failed)
  if(failed)
    file(REMOVE "${program}")
    message(WARNING "${target} does not build (its errors are above): that lab scores 0 until it compiles")
  endif()
endforeach()
