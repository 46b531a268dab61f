package tnef

// defaultCodepage is the code page of a stream without attOemCodepage
// (MAPI GetTnefStreamCodepage: 437).
const defaultCodepage = 437
