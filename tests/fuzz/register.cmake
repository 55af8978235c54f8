# Registers short libFuzzer runs in the main build's ctest (label "fuzz"). The harnesses are
# built by tests/fuzz/run.sh with clang in build-fuzz/ (a separate CMake project), so the rest of
# the tree keeps its compiler. Skipped when clang++ or the libFuzzer runtime is missing.
find_program(BERTH_FUZZ_CLANG NAMES clang++-14 clang++)
file(GLOB berth_fuzz_runtime /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a)
if(BERTH_FUZZ_CLANG AND berth_fuzz_runtime)
    set(berth_fuzz_script ${CMAKE_CURRENT_LIST_DIR}/run.sh)
    set(berth_fuzz_env "BERTH_FUZZ_BUILD_DIR=${CMAKE_BINARY_DIR}/fuzz-build")
    # One build first (a fixture), so parallel ctest never builds build-fuzz/ twice at once.
    add_test(NAME fuzz_build COMMAND ${berth_fuzz_script} --build-only)
    set_tests_properties(fuzz_build PROPERTIES LABELS fuzz TIMEOUT 600
        FIXTURES_SETUP berth_fuzz ENVIRONMENT "${berth_fuzz_env}")
    # 3 s each: nine targets ~35 s with start-up, plus the build; docs/fuzzing.md has longer runs.
    foreach(target manifest imageconfig wwwauthenticate linkheader imagereference dockerconfig
            registryerror harborjson servertext layerreader)
        add_test(NAME fuzz_${target}
            COMMAND ${berth_fuzz_script} ${target} -max_total_time=3)
        set_tests_properties(fuzz_${target} PROPERTIES LABELS fuzz TIMEOUT 120
            FIXTURES_REQUIRED berth_fuzz ENVIRONMENT "${berth_fuzz_env}")
    endforeach()
else()
    message(STATUS "clang++ / libclang-rt-dev not found: fuzz tests not registered")
endif()
