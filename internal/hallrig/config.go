package hallrig

// StrictWindow is the configuration of the rig's window in a hall that sets
// its own login limits in [window], as onewindow window reads it: two wrong
// passwords lock the id for 30 minutes, a minute alone locks the screen,
// and the screen speaks English.
const StrictWindow = `role = "window"
hall = "330106"
terminal = "330106W01"
[hub]
address = "127.0.0.1:7100"
hall_key = "` + HallKey + `"
[central]
url = "http://127.0.0.1:8443"
[devices.idcard]
port = "/dev/ttyUSB0"
[devices.printer]
port = "/dev/ttyUSB1"
[devices.queuebus]
port = "/dev/ttyUSB2"
[window]
number = 1
categories = ["H", "A", "B"]
language = "en"
max_failed_logins = 2
lock_minutes = 30
idle_lock_minutes = 1
`
