# Writes the commit the build is made from into OUTPUT, at every build: configure_file leaves
# the file alone when the commit is the same, so only a new commit rebuilds what includes it.
# Outside a git checkout (a source tarball) the commit is "unknown".
execute_process(
  COMMAND git describe --always --dirty=-modified --abbrev=12 --match=no-tags-here
  WORKING_DIRECTORY "${SOURCE_DIR}"
  OUTPUT_VARIABLE HOOKSCOPE_COMMIT
  OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET
  RESULT_VARIABLE failed)
if(failed OR HOOKSCOPE_COMMIT STREQUAL "")
  set(HOOKSCOPE_COMMIT "unknown")
endif()
configure_file("${SOURCE_DIR}/cmake/commit.h.in" "${OUTPUT}" @ONLY)
