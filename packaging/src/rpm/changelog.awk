# Debian changelog (packaging/src/common/changelog) -> rpm %changelog, so the two never drift:
#   restore-agent (V) dist; urgency=U / "  * item" (continued by deeper indented lines) /
#   " -- Name <mail>  Day, DD Mon YYYY hh:mm:ss +zone"  ->  "* Day Mon DD YYYY Name <mail> - V-1" / "- item"
/^[a-z0-9][a-z0-9.+-]* \(/ { version = substr($2, 2, length($2) - 2); n = 0; next }
/^  \* / { items[++n] = substr($0, 5); next }
/^    [^ ]/ && n > 0 { sub(/^ +/, ""); items[n] = items[n] " " $0; next }
/^ -- / {
    line = substr($0, 5)
    split(line, parts, "  ")
    split(parts[2], d, /[ ,]+/)
    print "* " d[1] " " d[3] " " d[2] " " d[4] " " parts[1] " - " version "-1"
    for (i = 1; i <= n; i++) print "- " items[i]
    print ""
}
