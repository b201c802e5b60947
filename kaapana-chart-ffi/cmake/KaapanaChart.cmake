# CMake snippet for the kaapana-chart C ABI: one imported target.
#
#   set(KAAPANA_CHART_ROOT /path/to/kaapana-chart)   # the repository
#   include(${KAAPANA_CHART_ROOT}/kaapana-chart-ffi/cmake/KaapanaChart.cmake)
#   target_link_libraries(app PRIVATE kaapana_chart::kaapana_chart)
#
# It links the shared library from target/release (build it first with
# `cargo build --release -p kaapana-chart-ffi`); set KAAPANA_CHART_LIBDIR to
# use another build.
if(NOT DEFINED KAAPANA_CHART_ROOT)
  get_filename_component(KAAPANA_CHART_ROOT "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
endif()
if(NOT DEFINED KAAPANA_CHART_LIBDIR)
  set(KAAPANA_CHART_LIBDIR "${KAAPANA_CHART_ROOT}/target/release")
endif()
find_package(Threads REQUIRED)
add_library(kaapana_chart::kaapana_chart SHARED IMPORTED)
set_target_properties(kaapana_chart::kaapana_chart PROPERTIES
  IMPORTED_LOCATION "${KAAPANA_CHART_LIBDIR}/${CMAKE_SHARED_LIBRARY_PREFIX}kaapana_chart_ffi${CMAKE_SHARED_LIBRARY_SUFFIX}"
  INTERFACE_INCLUDE_DIRECTORIES "${KAAPANA_CHART_ROOT}/kaapana-chart-ffi/include"
  INTERFACE_LINK_LIBRARIES Threads::Threads)
