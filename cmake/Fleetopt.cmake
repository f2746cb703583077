# fleetopt_add_test(NAME SOURCES a_test.cc ... LIBS lib ... [WHOLE policy_lib ...])
# Tests sit beside the code they pin down (foo.cc / foo_test.cc); each module
# builds one GoogleTest binary. Tests run from the source root so that the
# default data directory ../shared/traces resolves.
function(fleetopt_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;WHOLE" ${ARGN})
  if(FLEETOPT_DEV_ALLOW_MISSING_TESTS)
    # Development only (several people editing one tree): skip test sources
    # that do not exist yet instead of failing the whole configure.
    set(present "")
    foreach(src ${ARG_SOURCES})
      if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${src})
        list(APPEND present ${src})
      else()
        message(WARNING "${name}: missing test source ${src} skipped")
      endif()
    endforeach()
    set(ARG_SOURCES ${present})
    if(NOT ARG_SOURCES)
      return()
    endif()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  # The code under test is the libraries, built at the configuration's full
  # optimisation; the test drivers themselves gain nothing from -O3 and it
  # doubles their compile time, which dominates a clean build (CI).
  target_compile_options(${name} PRIVATE $<$<CONFIG:Release>:-O1>)
  foreach(lib ${ARG_WHOLE})
    target_link_libraries(${name} PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,${lib}>")
  endforeach()
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  include(GoogleTest)
  gtest_discover_tests(${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "FLEETOPT_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

# Policy libraries register themselves at static-init time; link them whole so
# the linker keeps those registrations.
function(fleetopt_link_whole target)
  foreach(lib ${ARGN})
    target_link_libraries(${target} PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,${lib}>")
  endforeach()
endfunction()
