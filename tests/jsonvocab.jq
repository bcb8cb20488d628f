# tests/jsonvocab.jq - check a command's --json against the vocabulary of
# man 7 triage.  jq -n -r --arg cmd NAME --arg stream 0|1 -f this: prints
# one line per problem, nothing when the output follows the vocabulary.
def banned: ["nlwp", "pgrp", "pct", "rate", "time", "time_ms", "start",
	"starttime", "cpu_pct", "file_pct", "seconds", "ms"];
def badunit: "(_s|_ms|_sec|_secs|_us|_usec|_per_s|_per_sec|_pct|_kib|_mib|_mb|_rate)$";
[inputs] as $docs
| [ $docs[]
    | (if type != "object" then "a top-level value that is not an object"
       else empty end),
      (if type == "object" and .schema != ("triage." + $cmd + "/1") then
         "schema is \(.schema | tostring), want triage.\($cmd)/1"
       else empty end),
      (if $stream == "1" and type == "object" and (.type | type) != "string"
       then "a stream line without \"type\"" else empty end),
      (.. | objects | keys[]
        | (select(test("^[a-z][a-z0-9_]*$") | not)
             | "key \(.): not lower_snake_case"),
          (select(. as $k | banned | index($k))
             | "key \(.): not in the vocabulary (man 7 triage)"),
          (select(test(badunit))
             | "key \(.): the vocabulary spells this unit otherwise"))
  ]
| unique | .[]
