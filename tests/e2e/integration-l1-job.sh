#!/bin/busybox sh
# /job.sh of L1 for `make check-kvm` on a machine without a usable /dev/kvm
# (tests/e2e/integration-l1.sh): the payload suite, tests/integration/run.sh,
# unchanged, on L1's /dev/kvm (nested KVM), as root. /suite holds the suite,
# the payload guests and lkvm.static as ./lkvm; /bin/bash is Debian's
# bash-static, /usr/bin has util-linux's setpriv and unshare, GNU time and strace (with their
# libraries), the rest is busybox.
# Every line the suite prints goes to the console as "IT <L1 uptime>: <line>",
# then "IT-STATUS <exit status>".

# Only emergencies from L1's kernel: nothing may land between the suite's
# lines (the real memory-failure code in L1 logs at KERN_ERR).
echo 1 >/proc/sys/kernel/printk
export PATH=/usr/bin:/bin HOME=/tmp
cd /suite || { echo "IT-STATUS 99"; exit; }
{
	# LKVM_TEST_KVM=local: run here, on L1's /dev/kvm (no second nesting).
	LKVM_TEST_KVM=local bash tests/integration/run.sh 2>&1 </dev/null
	echo "IT-STATUS $?"
} | while IFS= read -r line; do
	case "$line" in
	IT-STATUS\ *)
		echo "$line"
		break
		;;
	*) echo "IT $(cut -d' ' -f1 /proc/uptime): $line" ;;
	esac
done
