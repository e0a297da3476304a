/* The ring-3 image (user/, objcopy -O binary), embedded in the kernel. */
	.section .rodata
	.align 4096
	.globl user_image, user_image_end
user_image:
	.incbin USER_IMAGE
user_image_end:

	.section .note.GNU-stack, "", @progbits
