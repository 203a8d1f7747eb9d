# Turn a text file into a NUL-terminated C array: cmake -DIN= -DOUT= -DSYMBOL= -P embed.cmake
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n\t" body "${body}")
file(WRITE ${OUT} "/* Generated from ${IN} by cmake/embed.cmake: do not edit. */\n"
	"const char ${SYMBOL}[] = {\n\t${body}0x00\n};\n")
