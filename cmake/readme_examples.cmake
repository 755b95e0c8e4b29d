# Compiles and runs every ```cpp block of README.md as a test (see scripts/extract-readme-examples);
# blocks that need a server are marked compile-only.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(readme ${PROJECT_SOURCE_DIR}/README.md)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${readme})
set(example_dir ${CMAKE_CURRENT_BINARY_DIR}/readme_example_sources)
execute_process(
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/extract-readme-examples ${readme} ${example_dir}
  OUTPUT_VARIABLE example_count OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
# One program, readme_examples, holds every example (scripts/extract-readme-examples wraps
# each in a namespace of its own) and compiles as one unity batch: the headers are parsed
# once instead of once per example (docs/testing.md, "How long the tests take"). Test
# readme_example_N runs `readme_examples N`; a compile error names readme_example_N.cpp,
# whose first line gives the README line of the block.
if(example_count GREATER 0)
  set(example_sources ${example_dir}/readme_examples_main.cpp)
  foreach(n RANGE 1 ${example_count})
    list(APPEND example_sources ${example_dir}/readme_example_${n}.cpp)
  endforeach()
  add_executable(readme_examples ${example_sources})
  target_link_libraries(readme_examples PRIVATE uio::db uio::etl uio::fs)
  set_target_properties(readme_examples PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 0)
  uio_warnings(readme_examples)
  foreach(n RANGE 1 ${example_count})
    # A block that starts with "// compile-only" (it needs a server) is built, not run.
    file(READ ${example_dir}/readme_example_${n}.cpp code)
    if(code MATCHES "\n// load_csvs FILE.csv")
      # The uio::etl example: run on tests/readme/*.csv against the test cluster (the caller's
      # PGHOST, or the one the pg fixture started), and every file must report its rows.
      file(GLOB csv_files ${PROJECT_SOURCE_DIR}/tests/readme/*.csv)
      list(JOIN csv_files " " csv_args)
      set(check "[ -n \"$PGHOST\" ] || eval \"$('${db_pg_cluster_script}' env '${db_pg_cluster_dir}')\"
        out=$('$<TARGET_FILE:readme_examples>' ${n} ${csv_args}) || exit 1; echo \"$out\"
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
        run() { '$<TARGET_FILE:readme_examples>' ${n} '${PROJECT_SOURCE_DIR}/tests/readme' \"$work/mirror\" \"$work/loads.db\"; }
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
      add_test(NAME readme_example_${n} COMMAND readme_examples ${n})
      set_tests_properties(readme_example_${n} PROPERTIES LABELS readme TIMEOUT 60)
    endif()
  endforeach()
endif()
