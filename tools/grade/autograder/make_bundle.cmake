# make_bundle.cmake — writes autograder.zip for Gradescope (the `autograder` target):
#   setup.sh, run_autograder, and the project without solutions/ and without the
#   instructor's own tests: labs.json, cmake/, common/, labs/ (the stubs), tests/ (the
#   graded tests, hidden ones included), tools/, data/ (the fetch script, not the data).
#   cmake -DSOURCE=… -DSTAGE=… -DOUT=…/autograder.zip -P make_bundle.cmake
file(REMOVE_RECURSE "${STAGE}")
file(MAKE_DIRECTORY "${STAGE}")
foreach(f CMakeLists.txt CMakePresets.json labs.json)
  file(COPY "${SOURCE}/${f}" DESTINATION "${STAGE}")
endforeach()
foreach(d cmake common labs tools)
  file(COPY "${SOURCE}/${d}" DESTINATION "${STAGE}" PATTERN "build" EXCLUDE PATTERN "__pycache__" EXCLUDE)
endforeach()
file(COPY "${SOURCE}/tests" DESTINATION "${STAGE}" PATTERN "tools" EXCLUDE PATTERN "grading" EXCLUDE)
file(COPY "${SOURCE}/data" DESTINATION "${STAGE}"
     PATTERN "mnist" EXCLUDE PATTERN "fashion-mnist" EXCLUDE PATTERN ".fetch-*" EXCLUDE)
set(here "${CMAKE_CURRENT_LIST_DIR}")
file(COPY "${here}/setup.sh" "${here}/run_autograder" DESTINATION "${STAGE}"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(entries setup.sh run_autograder CMakeLists.txt CMakePresets.json labs.json cmake common labs tests tools data)
execute_process(COMMAND "${CMAKE_COMMAND}" -E tar cf "${OUT}.tmp" --format=zip ${entries}
                WORKING_DIRECTORY "${STAGE}" RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "could not write ${OUT}.tmp")
endif()
file(RENAME "${OUT}.tmp" "${OUT}")
message(STATUS "wrote ${OUT}")
