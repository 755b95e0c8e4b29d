# Included by tools/CMakeLists.txt after the programs: the man pages and bash/zsh completions
# of ucopy, ucopy-tables and ubench, generated at build time by uio-cli-docs (not installed)
# from the CLI::App each program parses with (no second copy to drift), and installed under
# share/man/man1, share/bash-completion/completions and share/zsh/site-functions.
if(TARGET ucopy AND TARGET ubench)
  add_executable(uio-cli-docs ${CMAKE_CURRENT_LIST_DIR}/generate_docs.cpp)
  target_link_libraries(uio-cli-docs PRIVATE uio_cli_doc ucopy_options ucopy_table_copy_cli ubench_cli)
  uio_warnings(uio-cli-docs)
  set(out ${PROJECT_BINARY_DIR}/cli-docs)
  set(generated "")
  foreach(program ucopy ucopy-tables ubench)
    list(APPEND generated ${out}/man1/${program}.1 ${out}/bash/${program} ${out}/zsh/_${program})
  endforeach()
  add_custom_command(OUTPUT ${generated} COMMAND uio-cli-docs ${out} DEPENDS uio-cli-docs
    COMMENT "Generating man pages and shell completions from the programs' option tables")
  add_custom_target(cli_docs ALL DEPENDS ${generated})
  foreach(program ucopy ucopy-tables ubench)
    install(FILES ${out}/man1/${program}.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
    install(FILES ${out}/bash/${program} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
    install(FILES ${out}/zsh/_${program} DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
  endforeach()
endif()
