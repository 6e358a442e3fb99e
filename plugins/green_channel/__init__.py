"""绿色通道: eligibility, the travelling acceptance form, "process first, supplement later" (seed 001)."""
