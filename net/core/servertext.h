#pragma once

#include "net/core/error.h"

#include <QString>
#include <QStringView>

namespace Berth {

//! Text that came from a server (names, error messages) is data: these make it safe to show and
//! refuse to put into a URL what does not fit the OCI grammar.
namespace ServerText {

//! text with every character that could steer a terminal, fake a line or reorder what is shown
//! made visible: C0 controls as \r \n \t or \xHH (ESC: \x1b), DEL as \x7f, C1 controls and the
//! bidirectional overrides and isolates (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) as \u{hex}.
//! Everything else is unchanged, so ordinary names read as they are.
QString visible(QStringView text);
//! Whether visible() would change text.
bool hasInvisible(QStringView text);

//! An error (InvalidInput) when name is not a repository path of the OCI distribution grammar;
//! none otherwise. Such a name is never put into a URL: the message says why, with the name
//! made visible.
Error checkRepository(QStringView repository);
//! The same for a reference: a tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127}) or a well-formed digest.
Error checkReference(QStringView reference);
//! Both, the repository first.
Error checkNames(QStringView repository, QStringView reference);

} // namespace ServerText

} // namespace Berth
