# uio_module(NAME SOURCES ... DEPENDS ...): one library per folder, exported as uio::NAME
# (export set uio_NAME: the package's component NAME, cmake/uioConfig.cmake.in), its headers
# installed under include/uio/NAME.
function(uio_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_LIBS" ${ARGN})
  add_library(uio_${name} ${ARG_SOURCES})
  add_library(uio::${name} ALIAS uio_${name})
  set_target_properties(uio_${name} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME uio_${name}
    POSITION_INDEPENDENT_CODE ON)
  target_compile_features(uio_${name} PUBLIC cxx_std_20)
  target_include_directories(uio_${name} PUBLIC
    $<BUILD_INTERFACE:${UIO_BUILD_INCLUDE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(uio_${name} PUBLIC ${ARG_PUBLIC_LIBS})
  uio_warnings(uio_${name})
  install(TARGETS uio_${name} EXPORT uio_${name}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/uio/${name}
    FILES_MATCHING PATTERN "*.hpp")
endfunction()

# Warnings we hold ourselves to (not exported to users of the library).
function(uio_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    $<$<BOOL:${UIO_WERROR}>:-Werror>
    # g++ 12 at -O3 reports a false -Wrestrict inside libstdc++'s `"x" + std::string&&`
    # (GCC bug 105329); it is a warning still, never an error.
    $<$<CXX_COMPILER_ID:GNU>:-Wno-error=restrict>
    # A unity build includes each source into one file, so g++ takes it for a header and
    # warns about every type from an anonymous namespace used in a template (a lambda in a
    # coroutine frame): a warning about headers, which these sources are not.
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<BOOL:$<TARGET_PROPERTY:UNITY_BUILD>>>:-Wno-subobject-linkage>)
endfunction()
