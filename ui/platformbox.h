#pragma once

#include <QStringList>

class QComboBox;

namespace Berth {

//! Fills box with an index's platforms (ImageFilesJob::platforms(); attestations' unknown/unknown
//! left out) without signalling, and selects preferred when the index has it, else the first.
void fillPlatformBox(QComboBox *box, const QStringList &platforms, const QString &preferred);

} // namespace Berth
