#pragma once

#include "net/formats/tagextras.h"

#include <QVariant>

namespace Berth::TagColumns {

//! How the tag table presents its columns (TagTableModel::Column): titles, tooltips, alignment
//! and the first sort order of each header; the text, sort key and tooltip of Harbor's columns.
//! What a row holds is the model's; how it reads is here.

//! What a cell shows while its value is being loaded ("…").
QString placeholder();
//! The header of a column for role; invalid when it has nothing for that role.
QVariant headerData(int section, int role);
//! A Harbor column (pushed, pulled, labels, vulnerabilities, immutable) of a tag for the display,
//! sort (TagTableModel::SortRole) and tooltip roles; extras null = not known yet.
QVariant harborData(const TagExtras *extras, int column, int role);
QVariant harborDisplayData(const TagExtras *extras, int column);
QVariant harborSortData(const TagExtras *extras, int column);

} // namespace Berth::TagColumns
