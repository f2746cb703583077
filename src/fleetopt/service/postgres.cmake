# PostgreSQL backend of the service's state store (libpqxx 6.4 through
# pkg-config: Debian's libpqxx-dev ships no CMake package), and its test,
# which starts a throw-away PostgreSQL (postgres_fixture.h) or skips with the
# reason when PostgreSQL is not installed. Included by this folder's
# CMakeLists.txt.
if(NOT TARGET PkgConfig::PQXX)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
endif()

add_library(fleetopt_service_postgres STATIC ${CMAKE_CURRENT_LIST_DIR}/store_postgres.cc)
target_link_libraries(fleetopt_service_postgres PUBLIC fleetopt_core PRIVATE PkgConfig::PQXX fmt::fmt)

fleetopt_add_test(test_service_postgres SOURCES store_postgres_test.cc LIBS fleetopt_service_postgres PkgConfig::PQXX)
