#pragma once

#include <QStringView>

namespace Berth {

//! Compares tags the way people read versions: runs of digits by their numeric value ("1.9" <
//! "1.10", "v999" < "v9900"), everything else case-insensitively, ties broken by the plain
//! string so the order is total. Locale-independent on purpose: QCollator ignores numeric mode
//! in the C locale, which is what CI and many containers run with. Returns <0, 0 or >0.
int naturalCompare(QStringView a, QStringView b);

} // namespace Berth
