# Writes hookscope-cli(1) from the program's own help: the overview, then each command's
# --help, so the page says what the program says. Run as
#   cmake -DCLI=path/to/hookscope-cli -DVERSION=X -DDATE=YYYY-MM-DD -DOUTPUT=file.1 -P manpage.cmake
function(help_of out)
  execute_process(COMMAND "${CLI}" ${ARGN} OUTPUT_VARIABLE text RESULT_VARIABLE failed
                  ERROR_VARIABLE problem)
  if(failed)
    message(FATAL_ERROR "hookscope-cli ${ARGN} failed: ${problem}")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Roff: backslashes and hyphens written as such, a line that would start a request escaped.
function(as_roff out text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

help_of(overview --help)
# The commands are the words the overview's "Commands:" lines start with.
string(REGEX MATCHALL "\n  [a-z]+ " starts "${overview}")
set(commands "")
foreach(start IN LISTS starts)
  string(STRIP "${start}" command)
  list(APPEND commands "${command}")
endforeach()
list(REMOVE_DUPLICATES commands)
if(NOT commands)
  message(FATAL_ERROR "no commands found in hookscope-cli --help")
endif()

as_roff(overview_roff "${overview}")
set(page ".TH HOOKSCOPE-CLI 1 \"${DATE}\" \"Hookscope ${VERSION}\" \"User Commands\"
.SH NAME
hookscope\\-cli \\- receive, inspect, replay and test webhooks from the command line
.SH SYNOPSIS
.B hookscope\\-cli
.I COMMAND
.RI [ options ]
.SH DESCRIPTION
Hookscope receives webhooks on a local port and keeps every request exactly as it arrived.
.B hookscope\\-cli
works on the same store as the Hookscope window, and
.B listen
uses the forwarding routes, signature bindings and mock rules set up there unless its options
say otherwise.
.PP
.nf
${overview_roff}.fi
.SH COMMANDS
")
foreach(command IN LISTS commands)
  help_of(text ${command} --help)
  as_roff(text "${text}")
  string(APPEND page ".SS ${command}\n.nf\n${text}.fi\n")
endforeach()
string(APPEND page ".SH ENVIRONMENT
.TP
.B HOOKSCOPE_STORE
The capture store used when no \\-\\-store is given.
.SH FILES
.TP
.I ~/.local/share/hookscope/
The capture store (captures.sqlite, mode 0600, and its search index), new collections, mock
rules (rules.json), your own test events (events.json) and the HTTPS port's certificates (tls/).
Secrets are kept in the system keychain, never in these files.
.TP
.I ~/.config/hookscope/hookscope.conf
What was set up in the window: port, forwarding routes, signature bindings, the LAN setting.
.SH EXIT STATUS
0 on success; 1 when what was checked or sent failed (a signature, an answer, an expectation);
2 for a mistake in the command line or a file.
.SH SEE ALSO
.BR hookscope (1),
.BR curl (1)
")
file(WRITE "${OUTPUT}" "${page}")
