// Precompiled header for targets that use Asio and Beast: parsing these headers
// once per target instead of once per file keeps the 2-core CI build short.
#pragma once
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <string>
#include <vector>
