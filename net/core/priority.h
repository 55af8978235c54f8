#pragma once

namespace Berth {

//! Higher runs first. Interactive = a person is waiting on exactly this (details pane, a retag);
//! Visible = rows on screen; Prefetch = the margin around them; Background = exports, sorts.
enum class Priority { Background = 0, Prefetch = 1, Visible = 2, Interactive = 3 };

} // namespace Berth
