char LICENSE[] SEC("license") = "GPL"; /* the kernel wants
						      a GPL-compatible one */
