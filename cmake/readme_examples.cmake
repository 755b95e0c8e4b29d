# Compiles and runs every ```cpp block of README.md as a test (see scripts/extract-readme-examples);
# blocks that need a server are marked compile-only.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(readme ${PROJECT_SOURCE_DIR}/README.md)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${readme})
set(example_dir ${CMAKE_CURRENT_BINARY_DIR}/readme_examples)
execute_process(
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/extract-readme-examples ${readme} ${example_dir}
  OUTPUT_VARIABLE example_count OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
if(example_count GREATER 0)
  foreach(n RANGE 1 ${example_count})
    add_executable(readme_example_${n} ${example_dir}/readme_example_${n}.cpp)
    target_link_libraries(readme_example_${n} PRIVATE uio::db uio::etl uio::fs)
    uio_warnings(readme_example_${n})
    # A block that starts with "// compile-only" (it needs a server) is built, not run.
    file(READ ${example_dir}/readme_example_${n}.cpp code)
    if(code MATCHES "\n// load_csvs FILE.csv")
      # The uio::etl example: run on tests/readme/*.csv against the test cluster (the caller's
      # PGHOST, or the one the pg fixture started), and every file must report its rows.
      file(GLOB csv_files ${PROJECT_SOURCE_DIR}/tests/readme/*.csv)
      list(JOIN csv_files " " csv_args)
      set(check "[ -n \"$PGHOST\" ] || eval \"$('${db_pg_cluster_script}' env '${db_pg_cluster_dir}')\"
        out=$('$<TARGET_FILE:readme_example_${n}>' ${csv_args}) || exit 1; echo \"$out\"
        for expect in 'sales_2025 3' 'sales_2026 2' 'returns 1'; do
          set -- $expect
          grep -qx \"$1: $2 rows\" <<<\"$out\" || { echo \"no '$1: $2 rows'\"; exit 1; }
          [ \"$(psql -XAtc \"select count(*) from $1\")\" = $2 ] || { echo \"table $1\"; exit 1; }
        done")
      add_test(NAME readme_example_${n} COMMAND bash -c "${check}")
      set_tests_properties(readme_example_${n} PROPERTIES LABELS readme TIMEOUT 60
        FIXTURES_REQUIRED pg)
    elseif(code MATCHES "\n// sync_and_load INCOMING")
      # The uio::fs example: tests/readme mirrored twice in a temporary directory; the first
      # run loads every CSV file, the second finds nothing new.
      set(check "work=$(mktemp -d) && trap 'rm -rf \"$work\"' EXIT || exit 1
        run() { '$<TARGET_FILE:readme_example_${n}>' '${PROJECT_SOURCE_DIR}/tests/readme' \"$work/mirror\" \"$work/loads.db\"; }
        out=$(run) || exit 1; echo \"$out\"
        for expect in 'sales_2025 3' 'sales_2026 2' 'returns 1'; do
          set -- $expect
          grep -qx \"$1: $2 rows\" <<<\"$out\" || { echo \"no '$1: $2 rows'\"; exit 1; }
        done
        out=$(run) || exit 1; echo \"$out\"
        grep -q '^mirror: 0 copied,' <<<\"$out\" || { echo 'the mirror changed'; exit 1; }
        ! grep -q rows <<<\"$out\" || { echo 'the second run loaded again'; exit 1; }")
      add_test(NAME readme_example_${n} COMMAND bash -c "${check}")
      set_tests_properties(readme_example_${n} PROPERTIES LABELS readme TIMEOUT 60)
    elseif(NOT code MATCHES "\n// compile-only")
      add_test(NAME readme_example_${n} COMMAND readme_example_${n})
      set_tests_properties(readme_example_${n} PROPERTIES LABELS readme TIMEOUT 60)
    endif()
  endforeach()
endif()
