# Installs uio into a temporary prefix, then configures, builds and runs the outside project
# in tests/install/consumer with find_package(uio), and checks the rest of the installed tree
# (check_installed_tree.sh). Run by ctest (install_and_find_package).
set(work ${UIO_BINARY_DIR}/install-test)
file(REMOVE_RECURSE ${work})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${UIO_BINARY_DIR} --prefix ${work}/prefix
  COMMAND_ERROR_IS_FATAL ANY)
set(flags "")
if(UIO_SANITIZE)
  set(flags "-fsanitize=${UIO_SANITIZE}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${UIO_SOURCE_DIR}/tests/install/consumer -B ${work}/build
  -DCMAKE_PREFIX_PATH=${work}/prefix -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}
  "-DCMAKE_CXX_FLAGS=${flags}" "-DCMAKE_EXE_LINKER_FLAGS=${flags}"
  COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${CMAKE_COMMAND} --build ${work}/build COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${work}/build/consumer WORKING_DIRECTORY ${work}/build OUTPUT_VARIABLE out
  COMMAND_ERROR_IS_FATAL ANY)
if(NOT out MATCHES "consumer read 5 bytes")
  message(FATAL_ERROR "unexpected output from the consumer: ${out}")
endif()
execute_process(COMMAND ${work}/build/etl_consumer WORKING_DIRECTORY ${work}/build
  OUTPUT_VARIABLE etl_out COMMAND_ERROR_IS_FATAL ANY)
if(NOT etl_out MATCHES "etl consumer loaded 3 rows")
  message(FATAL_ERROR "unexpected output from the uio::etl consumer: ${etl_out}")
endif()
# The table-copy engine's internals stay out of the installed headers.
if(NOT EXISTS ${work}/prefix/include/uio/db/etl/copy_table.hpp OR
   EXISTS ${work}/prefix/include/uio/db/etl/detail)
  message(FATAL_ERROR "installed uio/db/etl headers: copy_table.hpp missing or detail/ installed")
endif()
execute_process(COMMAND ${work}/build/consumer_db OUTPUT_VARIABLE out_db COMMAND_ERROR_IS_FATAL ANY)
if(NOT out_db MATCHES "consumer db answer 42")
  message(FATAL_ERROR "unexpected output from the db consumer: ${out_db}")
endif()

# Internals are not installed: no libpq driver, no SQLite worker, no libpq-fe.h in a header.
set(include_dir ${work}/prefix/include/uio)
foreach(internal db/pg/detail db/sqlite/detail/worker.hpp)
  if(EXISTS ${include_dir}/${internal})
    message(FATAL_ERROR "an internal header was installed: ${include_dir}/${internal}")
  endif()
endforeach()
file(GLOB_RECURSE installed ${include_dir}/*.hpp)
foreach(header ${installed})
  file(STRINGS ${header} libpq REGEX "#include <libpq-fe.h>")
  if(libpq)
    message(FATAL_ERROR "an installed header includes libpq-fe.h: ${header}")
  endif()
endforeach()
message(STATUS "find_package(uio) consumers work: ${out} ${etl_out} ${out_db}")

# Man pages, completions, pkg-config files, components, licence: check_installed_tree.sh.
file(GLOB_RECURSE config ${work}/prefix/*/uioConfig.cmake)
cmake_path(GET config PARENT_PATH cmake_dir)
cmake_path(RELATIVE_PATH cmake_dir BASE_DIRECTORY ${work}/prefix OUTPUT_VARIABLE libdir)
string(REGEX REPLACE "/cmake/uio$" "" libdir ${libdir})
execute_process(COMMAND bash ${UIO_SOURCE_DIR}/tests/install/check_installed_tree.sh
  ${work}/prefix ${libdir} ${work} ${UIO_SOURCE_DIR} ${CMAKE_CXX_COMPILER} COMMAND_ERROR_IS_FATAL ANY)
