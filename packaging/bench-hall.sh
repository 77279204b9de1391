# Sourced by packaging/bench-memory.sh and bench-idle-cpu.sh inside their
# Xvfb session: the hall around the terminal measured.
#
# hall_up DIR PORT starts the device simulators (in DIR/sim) and the hub
# (on 127.0.0.1:PORT, the sample hall loaded) with "$bin", as background
# jobs of the calling shell, and writes DIR/kiosk.toml and DIR/window.toml
# for a kiosk and a window terminal on them (central unreachable).
hall_up() {
	local dir=$1 port=$2
	head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/hall.key"
	chmod 600 "$dir/hall.key"
	"$bin" sim -dir "$dir/sim" -quiet </dev/null >/dev/null 2>&1 &
	sleep 1
	printf 'role = "hub"\nhall = "330106"\nterminal = "HUB"\n[hub]\naddress = "127.0.0.1:%s"\nhall_key_file = "hall.key"\n[paths]\ndata_dir = "hub-data"\n' "$port" >"$dir/hub.toml"
	{ hall_terminal "$dir" "$port" kiosk K01; printf '[devices.scanner]\nport = "%s"\n' "$dir/sim/scanner"; } >"$dir/kiosk.toml"
	{ hall_terminal "$dir" "$port" window W01; printf '[devices.queuebus]\nport = "%s"\n[window]\nnumber = 1\ncategories = ["H", "A", "B"]\n' "$dir/sim/queuebus"; } >"$dir/window.toml"
	"$bin" hub -config "$dir/hub.toml" -sample >/dev/null 2>&1 &
	sleep 1
}

hall_terminal() { # dir port role code: the part of a terminal's configuration every role has
	cat <<EOT
role = "$3"
hall = "330106"
terminal = "$4"
[hub]
address = "127.0.0.1:$2"
hall_key_file = "hall.key"
[central]
url = "http://127.0.0.1:9"
[paths]
data_dir = "$3-data"
[devices.idcard]
port = "$1/sim/idreader"
[devices.printer]
port = "$1/sim/printer"
EOT
}
