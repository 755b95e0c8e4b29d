# What `cmake --install` puts beside the libraries and headers: the CMake package (one
# export set per component, cmake/uioConfig.cmake.in), a pkg-config file per library, and the
# licence. tests/install checks all of it from an installed tree.
include(CMakePackageConfigHelpers)
set(uio_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/uio)
foreach(component core uring db etl fs)
  install(EXPORT uio_${component} NAMESPACE uio:: FILE uio-${component}-targets.cmake
    DESTINATION ${uio_cmake_dir})
endforeach()
configure_package_config_file(cmake/uioConfig.cmake.in ${PROJECT_BINARY_DIR}/uioConfig.cmake
  INSTALL_DESTINATION ${uio_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/uioConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/uioConfig.cmake ${PROJECT_BINARY_DIR}/uioConfigVersion.cmake
  DESTINATION ${uio_cmake_dir})

# uio_pkg_config(NAME DESCRIPTION LIBS ... [REQUIRES ...] [REQUIRES_PRIVATE ...]): NAME.pc.
# The libraries are static archives unless BUILD_SHARED_LIBS is on; a program linking an
# archive must link what the archive uses too, so the private requirements become public.
function(uio_pkg_config pc_name pc_description)
  cmake_parse_arguments(ARG "" "" "LIBS;REQUIRES;REQUIRES_PRIVATE" ${ARGN})
  if(NOT BUILD_SHARED_LIBS)
    list(APPEND ARG_REQUIRES ${ARG_REQUIRES_PRIVATE})
    set(ARG_REQUIRES_PRIVATE "")
  endif()
  list(JOIN ARG_LIBS " " pc_libs)
  list(JOIN ARG_REQUIRES ", " pc_requires)
  list(JOIN ARG_REQUIRES_PRIVATE ", " pc_requires_private)
  set(pc_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
  file(RELATIVE_PATH pc_to_prefix /prefix/${pc_dir} /prefix)
  string(REGEX REPLACE "/$" "" pc_to_prefix ${pc_to_prefix})
  configure_file(${PROJECT_SOURCE_DIR}/cmake/uio.pc.in ${PROJECT_BINARY_DIR}/pkgconfig/${pc_name}.pc
    @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${pc_name}.pc DESTINATION ${pc_dir})
endfunction()

uio_pkg_config(uio-core "uio coroutines: task, when_all, channel, offload" LIBS -luio_core -pthread)
# uio/uring headers include <liburing.h>: liburing is a public requirement.
uio_pkg_config(uio-uring "uio io_uring proactor and file operations" LIBS -luio_uring
  REQUIRES uio-core liburing)
uio_pkg_config(uio-db "uio PostgreSQL (libpq) and SQLite clients, CSV and JSON Lines"
  LIBS -luio_db_pg -luio_db_pg_conninfo -luio_db_sqlite -luio_db_formats
  REQUIRES uio-uring REQUIRES_PRIVATE libpq sqlite3)
uio_pkg_config(uio-etl "uio table copies between data files, PostgreSQL and SQLite"
  LIBS -luio_etl -luio_etl_text REQUIRES uio-db REQUIRES_PRIVATE zlib libzstd)
uio_pkg_config(uio-fs "uio tree copies, syncs and checks (the engine of ucopy)"
  LIBS -luio_fs -luio_fs_options REQUIRES uio-db REQUIRES_PRIVATE libxxhash)

install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
