#pragma once

#include <QIcon>
#include <QString>

namespace Berth::Icons {

//! The desktop theme's icon of that freedesktop name, else Berth's bundled drawing of it
//! (resources/icons/actions/<name>.svg), so the window has icons on any desktop.
QIcon themed(const QString &name);
//! The application icon.
QIcon appIcon();

} // namespace Berth::Icons
