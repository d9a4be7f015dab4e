console.log('emulator cli');
